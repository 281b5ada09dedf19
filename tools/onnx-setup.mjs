// `pnpm onnx:setup`: installs onnxruntime-node into .onnx/ for @tensile/export's tests, which
// run the exported ONNX files in it. Not a workspace dependency: its package is 115 MB (every
// platform's binaries) that a user of Tensile does not need. Its install script, which would
// download CUDA libraries from a CDN this network cannot reach, is skipped: the CPU binaries
// ship in the npm package itself.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const ORT = '1.31.1';
const root = resolve(import.meta.dirname, '..');
const dir = join(root, '.onnx');
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'package.json'),
  `${JSON.stringify({ private: true, dependencies: { 'onnxruntime-node': ORT } }, null, 2)}\n`,
);
const installed = join(dir, 'node_modules', 'onnxruntime-node', 'package.json');
if (!existsSync(installed) || createRequire(installed)('./package.json').version !== ORT) {
  console.log(`onnx:setup: installing onnxruntime-node@${ORT} into .onnx/ (about 115 MB)`);
  const status =
    spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: dir,
      stdio: 'inherit',
    }).status ?? 1;
  if (status !== 0) process.exit(status);
}
const ort = createRequire(join(dir, 'package.json'))('onnxruntime-node');
console.log(
  `onnx:setup: onnxruntime-node ${ORT} loads (${typeof ort.InferenceSession.create === 'function' ? 'ok' : 'no InferenceSession'}); TENSILE_ONNX_REQUIRED=1 makes its tests fail instead of skip without it`,
);
