import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { PeerRun } from './types';

const CHILD = fileURLToPath(new URL('./tfjs-child.ts', import.meta.url));
const NAMES = { cpu: 'tfjs (cpu backend)', wasm: 'tfjs (wasm backend)' };

/** Why tfjs cannot run here (its packages are dev dependencies of the bench app), or null. */
function missing(backend: 'cpu' | 'wasm'): string | null {
  const require = createRequire(import.meta.url);
  const pkgs = [
    '@tensorflow/tfjs',
    ...(backend === 'wasm' ? ['@tensorflow/tfjs-backend-wasm'] : []),
  ];
  for (const pkg of pkgs) {
    try {
      require.resolve(pkg);
    } catch {
      return `${pkg} is not installed`;
    }
  }
  return null;
}

/** Runs the TensorFlow.js twin of the workloads on one backend, in its own process. */
export function runTfjs(
  backend: 'cpu' | 'wasm',
  ids: string[],
  opts: { quick: boolean; full: boolean },
): PeerRun {
  const name = NAMES[backend];
  const why = missing(backend);
  if (why) return { name, skipped: why, workloads: {} };
  const run = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      CHILD,
      backend,
      ...(opts.quick ? ['--quick'] : []),
      ...(opts.full ? ['--full'] : []),
      ...ids,
    ],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  if (run.status !== 0)
    return { name, skipped: `the tfjs run failed (exit ${run.status})`, workloads: {} };
  // The result is the last line: anything a backend prints before it is not ours.
  const out = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as Omit<PeerRun, 'name'>;
  return { name, ...out };
}
