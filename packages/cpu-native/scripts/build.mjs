// Builds build/tensile_native.node with the system's C compiler (CC, else cc) and the
// Node-API headers from npm. It never fails an install: where a piece is missing it prints
// one line and exits 0, and Tensile's CPU backend keeps its WebAssembly kernels.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const skip = (why) => {
  console.log(
    `@tensile/cpu-native: not built (${why}); Tensile's CPU backend uses its WebAssembly kernels`,
  );
  process.exit(0);
};

if (process.env.TENSILE_NATIVE_SKIP) skip('TENSILE_NATIVE_SKIP is set');
if (process.platform !== 'linux' && process.platform !== 'darwin')
  skip(`no build recipe for ${process.platform} yet`);
let include;
try {
  include = dirname(createRequire(import.meta.url).resolve('node-api-headers/include/node_api.h'));
} catch {
  skip('the node-api-headers package is missing');
}
const cc = process.env.CC || 'cc';
const out = join(root, 'build', 'tensile_native.node');
const tmp = `${out}.${process.pid}.tmp`;
mkdirSync(dirname(out), { recursive: true });
const args = [
  '-O3',
  // sqrtf without errno vectorizes; nothing here reads errno.
  '-fno-math-errno',
  // Each multiply and add rounds on its own, as the composed tensor ops round (no fused a*b+c).
  '-ffp-contract=off',
  '-Wall',
  '-fPIC',
  '-pthread',
  '-shared',
  '-DNODE_GYP_MODULE_NAME=tensile_native',
];
const sources = readdirSync(join(root, 'native')).filter((f) => f.endsWith('.c'));
args.push('-I', include, ...sources.map((f) => join(root, 'native', f)), '-o', tmp);
// Node-API's symbols come from the node executable when the addon loads.
args.push(...(process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : ['-ldl', '-lm']));
const r = spawnSync(cc, args, { encoding: 'utf8' });
if (r.error || r.status !== 0) {
  rmSync(tmp, { force: true });
  const why = r.error
    ? `no C compiler: ${cc} ${r.error.code ?? r.error.message}`
    : `${cc} failed: ${(r.stderr || '').trim().split('\n')[0] || `exit status ${r.status}`}`;
  skip(why);
}
// Renamed into place, so that a failed build never leaves a half-written addon behind.
renameSync(tmp, out);
console.log(`@tensile/cpu-native: built ${out}`);
