/**
 * Tensile's gpu backend (@tensile/backend-gpujs) on W1-W4, beside the cpu backend. It runs in
 * its own process (gpu-child.ts), so that the gl addon and its X display stay out of this one;
 * without a display it runs under `xvfb-run -a`, which renders with Mesa's llvmpipe on the CPU.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendRun } from '../peers/types';

const CHILD = fileURLToPath(new URL('./gpu-child.ts', import.meta.url));

/** The workloads issue 10 asks of the gpu backend; the rest run on the cpu backend alone. */
export const GPU_WORKLOADS = ['W1', 'W2', 'W3', 'W4'];
const ONLY_W1_W4 = 'the gpu backend is measured on W1-W4 only (issue 10)';

/** A small 24-bit screen, as the backend's own tests use, and no TCP listener. */
const XVFB_SERVER = '-screen 0 64x64x24 -nolisten tcp';

const NAME = 'Tensile gpu';

/** The software rasterizer a GL renderer string names (llvmpipe...), or null for a real GPU. */
export function softwareRenderer(renderer: string): string | null {
  return renderer.match(/llvmpipe|softpipe|swiftshader|swrast/i)?.[0] ?? null;
}

/** The column's name: a software renderer is in it, so its figures are never read as a GPU's. */
export function columnName(renderer: string | undefined): string {
  const software = renderer && softwareRenderer(renderer);
  return software ? `${NAME} (${software}, on the CPU)` : NAME;
}

const hasCommand = (name: string, env: NodeJS.ProcessEnv): boolean =>
  spawnSync('/bin/sh', ['-c', `command -v ${name}`], { env, stdio: 'ignore' }).status === 0;

/**
 * How to run `command` with an X display: as it is where DISPLAY is set; under `xvfb-run -a`
 * (a private Xvfb) where it is not and xvfb-run exists; else as it is, and the backend says
 * there is no display.
 */
export function withDisplay(
  command: string[],
  env: NodeJS.ProcessEnv,
): { command: string[]; display: string } {
  if (env.DISPLAY) return { command, display: `DISPLAY=${env.DISPLAY}` };
  if (hasCommand('xvfb-run', env))
    return { command: ['xvfb-run', '-a', '-s', XVFB_SERVER, ...command], display: 'xvfb-run -a' };
  return { command, display: 'none (no DISPLAY, no xvfb-run)' };
}

/** What gpu-child.ts prints on its last line. */
export interface GpuChildResult {
  skipped?: string;
  info?: { renderer: string; version: string; mode: string; webgl: string };
  workloads: BackendRun['workloads'];
  skippedWorkloads?: Record<string, string>;
}

/**
 * Runs the gpu backend's part of `ids`: W1-W4 in a child process; the others are n/a. For the
 * tests: `sizes` replaces W1's matrix sizes, `env` is the child's environment, and `tsx` the
 * command that runs a TypeScript file (this process's node and loader flags by default).
 */
export function runGpu(
  ids: string[],
  opts: {
    quick: boolean;
    full: boolean;
    sizes?: number[];
    env?: NodeJS.ProcessEnv;
    tsx?: string[];
  },
): BackendRun {
  const env = opts.env ?? process.env;
  const notRun = Object.fromEntries(
    ids.filter((id) => !GPU_WORKLOADS.includes(id)).map((id) => [id, ONLY_W1_W4]),
  );
  const measured = ids.filter((id) => GPU_WORKLOADS.includes(id));
  const args = [
    ...(opts.quick ? ['--quick'] : []),
    ...(opts.full ? ['--full'] : []),
    ...(opts.sizes ? [`--sizes=${opts.sizes.join(',')}`] : []),
    ...measured,
  ];
  const { command, display } = withDisplay(
    [...(opts.tsx ?? [process.execPath, ...process.execArgv]), CHILD, ...args],
    env,
  );
  const run = spawnSync(command[0], command.slice(1), {
    encoding: 'utf8',
    env,
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = { name: NAME, device: 'gpu', workloads: {} };
  if (run.status !== 0)
    return { ...base, skipped: `the gpu run failed (exit ${run.status}, its error is above)` };
  // The result is the last line: anything the backend or Xvfb prints before it is not ours.
  const out = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as GpuChildResult;
  if (out.skipped) return { ...base, skipped: out.skipped };
  return {
    ...base,
    name: columnName(out.info?.renderer),
    info: { ...out.info, display },
    workloads: out.workloads,
    skippedWorkloads: { ...out.skippedWorkloads, ...notRun },
  };
}
