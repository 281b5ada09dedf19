import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

/**
 * Global setup: headless-gl needs an X display. Without one, start Xvfb (Debian's xvfb) for
 * the run, as `xvfb-run` would; the test workers inherit DISPLAY.
 */
let xvfb: ChildProcess | null = null;

export async function setup(): Promise<void> {
  // The test workers already keep both cores busy; llvmpipe's own rasterizer threads only add a
  // synchronization per draw, which makes the many small kernels of a test about 3x slower.
  process.env.LP_NUM_THREADS ??= '0';
  if (process.env.DISPLAY) return;
  if (spawnSync('sh', ['-c', 'command -v Xvfb']).status !== 0) return;
  const server = spawn(
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', '64x64x24', '-nolisten', 'tcp'],
    {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    },
  );
  xvfb = server;
  const display = await new Promise<string | null>((resolve) => {
    let out = '';
    server.stdio[3]?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    server.on('exit', () => resolve(null));
    setTimeout(() => resolve(null), 10_000);
  });
  if (display) process.env.DISPLAY = `:${display}`;
}

export async function teardown(): Promise<void> {
  xvfb?.kill();
}
