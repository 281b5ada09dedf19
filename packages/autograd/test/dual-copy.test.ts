/**
 * Two copies of the core in one program, as a mixed ESM/CJS install loads them: the app imports
 * @tensile/tensor's ESM build while @tensile/autograd is required as CJS (and so requires
 * tensor's CJS build). The copies share their state under a global symbol, so autograd, grad mode,
 * scopes, backends and the random generator are one, and a tensor of either copy is a Tensor.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';

const packages = join(dirname(fileURLToPath(import.meta.url)), '../..');
let root = '';

/** node_modules/<name> with an ESM and a CJS build of the package's sources, as tsup makes. */
async function install(name: string, dir: string): Promise<void> {
  const at = join(root, 'node_modules', name);
  mkdirSync(join(at, 'dist'), { recursive: true });
  const exports = { '.': { import: './dist/index.js', require: './dist/index.cjs' } };
  // sideEffects false, the hardest case for a bundler's tree shaking (one file per build).
  const manifest = { name, type: 'module', exports, sideEffects: false };
  writeFileSync(join(at, 'package.json'), JSON.stringify(manifest));
  for (const format of ['esm', 'cjs'] as const) {
    await build({
      entryPoints: [join(packages, dir, 'src/index.ts')],
      bundle: true,
      platform: 'node',
      format,
      outfile: join(at, 'dist', format === 'esm' ? 'index.js' : 'index.cjs'),
      external: ['@tensile/*'],
      logLevel: 'error',
      // tsup's shim for import.meta.url in the CJS build.
      ...(format === 'cjs' && {
        define: { 'import.meta.url': 'importMetaUrl' },
        banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
      }),
    });
  }
}

function run(file: string, source: string): string {
  writeFileSync(join(root, file), source);
  const r = spawnSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${file} failed:\n${r.stderr}`);
  return r.stdout.trim();
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tensile-dual-'));
  await install('@tensile/tensor', 'tensor');
  await install('@tensile/autograd', 'autograd');
}, 60_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

it('an ESM app with CJS autograd: backward works and both Tensor classes accept both tensors', () => {
  const out = run(
    'esm-app.mjs',
    `import { createRequire } from 'node:module';
import * as T from '@tensile/tensor';
const require = createRequire(import.meta.url);
const cjs = require('@tensile/tensor');
require('@tensile/autograd');
const x = T.tensor([1.5, 2, 3], { requiresGrad: true });
x.mul(x).sum().backward();
const y = cjs.tensor([1, 1, 1]);
const z = T.noGrad(() => cjs.tensor([1.5], { requiresGrad: true }).mul(2));
T.manualSeed(7); const a = cjs.randn([3]).tolist();
T.manualSeed(7); const b = T.randn([3]).tolist();
const kept = cjs.scope(() => { T.tensor([1]); return T.tensor([2]); });
let caught = null;
try { cjs.tensor([1, 2, 3]).view([5]); } catch (e) { caught = e; }
console.log(JSON.stringify({
  copies: T.Tensor !== cjs.Tensor,
  grad: x.grad.tolist(),
  esmIsCjs: x instanceof cjs.Tensor,
  cjsIsEsm: y instanceof T.Tensor,
  notTensor: ({ storage: 1 }) instanceof T.Tensor,
  mixed: x.detach().add(y).tolist(),
  noGradAcross: z.requiresGrad,
  sameSeed: JSON.stringify(a) === JSON.stringify(b),
  scoped: kept.tolist(),
  backends: cjs.listBackends().join() === T.listBackends().join(),
  errors: [caught instanceof T.ShapeError, caught instanceof T.TensileError, caught instanceof T.DTypeError],
  generators: [cjs.defaultGenerator instanceof cjs.Generator, new T.Generator(1) instanceof cjs.Generator],
}));`,
  );
  expect(JSON.parse(out)).toEqual({
    copies: true,
    grad: [3, 4, 6],
    esmIsCjs: true,
    cjsIsEsm: true,
    notTensor: false,
    mixed: [2.5, 3, 4],
    noGradAcross: false,
    sameSeed: true,
    scoped: [2],
    backends: true,
    errors: [true, true, false],
    generators: [true, true],
  });
});

it('a CJS app with ESM autograd: the engine registered by the ESM copy serves CJS tensors', () => {
  const out = run(
    'cjs-app.cjs',
    `const T = require('@tensile/tensor');
import('@tensile/autograd').then(() => {
  const x = T.tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
  const loss = x.exp().sum();
  loss.backward();
  console.log(JSON.stringify({ fn: loss.gradFn.name, close: x.grad.sub(x.exp()).abs().max().item() }));
});`,
  );
  expect(JSON.parse(out)).toEqual({ fn: 'SumBackward0', close: 0 });
});

it('a bundle of an app that uses one function still gets tensors with their methods', async () => {
  writeFileSync(
    join(root, 'shaken.mjs'),
    `import { randn } from '@tensile/tensor';
console.log(JSON.stringify(randn([2, 3]).sum(1).shape));`,
  );
  // The Tensor class module registers the class the ops make: in the one-file build that call
  // stays, though the package says it has no side effects and the app never names Tensor.
  await build({
    entryPoints: [join(root, 'shaken.mjs')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(root, 'shaken.bundle.mjs'),
    logLevel: 'error',
  });
  expect(run('shaken.bundle.mjs', readFileSync(join(root, 'shaken.bundle.mjs'), 'utf8'))).toBe(
    '[2]',
  );
});

it('both builds of autograd loaded: one engine records, and leaves accumulate across passes', () => {
  const out = run(
    'two-engines.mjs',
    `import { createRequire } from 'node:module';
import * as T from '@tensile/tensor';
import * as esmAutograd from '@tensile/autograd';
const x = T.tensor([1.5, 2, 3], { requiresGrad: true });
const first = x.mul(x).sum(); // recorded before the second copy loads
const require = createRequire(import.meta.url);
const cjsAutograd = require('@tensile/autograd');
first.backward();
x.mul(x).sum().backward();
// Either copy walks the graph the engine recorded.
const y = x.mul(2).sum();
console.log(JSON.stringify({
  grad: x.grad.tolist(),
  names: [esmAutograd, cjsAutograd].map((a) => a.autogradGraph([y]).nodes.length > 0),
}));`,
  );
  expect(JSON.parse(out)).toEqual({ grad: [6, 8, 12], names: [true, true] });
});
