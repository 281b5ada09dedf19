// `pnpm gpu:setup`: opts this checkout into the gpu backend. The default install leaves out `gl`
// (headless WebGL, which compiles from source against the X headers; see pnpm-workspace.yaml).
// This installs it with npm into .gl/ and links it as node_modules/gl, where gpu.js's
// `require('gl')` finds it. Run it again after `pnpm install`, which may drop the link.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const GL = '8.1.6';
const root = resolve(import.meta.dirname, '..');
const dir = join(root, '.gl');
const built = join(dir, 'node_modules', 'gl');
const SYSTEM =
  'g++ make python3 python-is-python3 pkg-config libx11-dev libxi-dev libxext-dev libgl-dev';

// A build is kept per gl version and Node ABI in the user's cache, so a second checkout (or
// CI on the same machine) copies it instead of compiling for minutes again.
const cache = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
  'tensile',
  `gl-${GL}-node-abi${process.versions.modules}`,
);
const addon = (d) => join(d, 'node_modules', 'gl', 'build', 'Release', 'webgl.node');

mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'package.json'),
  `${JSON.stringify({ private: true, dependencies: { gl: GL } }, null, 2)}\n`,
);
let status = 0;
if (existsSync(addon(cache))) {
  console.log(`gpu:setup: gl@${GL} from the build cached in ${cache}`);
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  cpSync(join(cache, 'node_modules'), join(dir, 'node_modules'), { recursive: true });
} else {
  console.log(`gpu:setup: installing gl@${GL} into .gl/ (compiles from source: several minutes)`);
  status =
    spawnSync('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts'], {
      cwd: dir,
      stdio: 'inherit',
    }).status ?? 1;
  if (status === 0 && existsSync(addon(dir))) {
    rmSync(cache, { recursive: true, force: true });
    cpSync(join(dir, 'node_modules'), join(cache, 'node_modules'), { recursive: true });
  }
}
if (status !== 0 || !existsSync(join(built, 'build', 'Release', 'webgl.node'))) {
  console.error(
    `gpu:setup: gl did not build. It needs Debian's ${SYSTEM} (sudo bash .ci/setup-system.sh ` +
      'installs them, with xvfb for a display); then run pnpm gpu:setup again.',
  );
  process.exit(1);
}
const link = join(root, 'node_modules', 'gl');
rmSync(link, { recursive: true, force: true });
symlinkSync(join('..', '.gl', 'node_modules', 'gl'), link, 'dir');

// What gpu.js does: resolve gl from its own folder.
const backend = createRequire(join(root, 'packages', 'backend-gpujs', 'package.json'));
const found = createRequire(backend.resolve('gpu.js')).resolve('gl');
console.log(`gpu:setup: gpu.js finds ${found}`);
console.log(
  'gpu:setup: done. The gpu tests need an X display or Xvfb (Debian: xvfb xauth); ' +
    'TENSILE_GPUJS_REQUIRED=1 pnpm test:slow fails instead of skipping when it is missing.',
);
