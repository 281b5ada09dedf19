import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { columnName, runGpu, softwareRenderer, withDisplay } from '../src/backends/gpu';

// The child is a TypeScript file: run it as the bench script does.
const tsx = [
  fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url)),
  '--conditions=@tensile/source',
];
const flags = { quick: false, full: false, tsx };
const LLVMPIPE = 'ANGLE (Mesa/X.org llvmpipe (LLVM 15.0.6, 256 bits) OpenGL 4.5 core)';

/** Whether a gpu run can start here: gl installed (built) and a display or xvfb-run. */
function gpuPossible(): boolean {
  try {
    const backend = createRequire(
      fileURLToPath(new URL('../../../packages/backend-gpujs/package.json', import.meta.url)),
    );
    createRequire(backend.resolve('gpu.js')).resolve('gl');
  } catch {
    return false;
  }
  return !!process.env.DISPLAY || spawnSync('/bin/sh', ['-c', 'command -v xvfb-run']).status === 0;
}
// CI, which installs gl and Xvfb, turns a missing piece into a failure instead of a skip.
const runnable = gpuPossible() || process.env.TENSILE_GPUJS_REQUIRED === '1';

describe('the renderer', () => {
  it('names a software rasterizer in the column, so its figures are not read as a GPU', () => {
    expect(softwareRenderer(LLVMPIPE)).toBe('llvmpipe');
    expect(columnName(LLVMPIPE)).toBe('Tensile gpu (llvmpipe, on the CPU)');
    const nvidia = 'ANGLE (NVIDIA Corporation, NVIDIA H100 80GB HBM3/PCIe/SSE2, OpenGL 4.5.0)';
    expect(softwareRenderer(nvidia)).toBeNull();
    expect(columnName(nvidia)).toBe('Tensile gpu');
  });
});

describe('the display', () => {
  const command = ['node', 'child.ts'];
  it('uses the DISPLAY that is set', () => {
    expect(withDisplay(command, { DISPLAY: ':7' })).toEqual({ command, display: 'DISPLAY=:7' });
  });
  it('runs without one when there is no xvfb-run, and the backend says so', () => {
    expect(withDisplay(command, { PATH: '/nonexistent' }).command).toEqual(command);
  });
  it.skipIf(spawnSync('/bin/sh', ['-c', 'command -v xvfb-run']).status !== 0)(
    'starts a private Xvfb through xvfb-run -a when DISPLAY is unset',
    () => {
      const { command: run } = withDisplay(command, { PATH: process.env.PATH });
      expect(run.slice(0, 2)).toEqual(['xvfb-run', '-a']);
      expect(run.slice(-2)).toEqual(command);
    },
  );
});

describe('runGpu', () => {
  it('reports the gpu column as skipped with the backend error when it cannot start', () => {
    // A display that does not exist: the gl context cannot open, as on a machine without one.
    const run = runGpu(['W1'], { ...flags, env: { ...process.env, DISPLAY: ':31999' } });
    expect(run.name).toBe('Tensile gpu');
    expect(run.skipped).toMatch(/^(DeviceError: the gpu backend|@tensile\/backend-gpujs did not)/);
    expect(run.workloads).toEqual({});
  }, 60_000);

  it.skipIf(!runnable)(
    'runs a tiny W1 on the gpu and names its renderer; W5-W8 are n/a',
    () => {
      const run = runGpu(['W1', 'W7'], { ...flags, sizes: [32] });
      expect(run.skipped).toBeUndefined();
      expect(run.info?.renderer).toMatch(/\S/);
      expect(run.info?.mode).toBe('headlessgl');
      expect(run.name).toBe(columnName(run.info?.renderer as string));
      const [row] = run.workloads.W1;
      expect(row).toMatchObject({ case: 'N=32', unit: 'GFLOP/s', higherIsBetter: true });
      expect(row.figure).toBeGreaterThan(0);
      expect(row.timing?.runs).toBe(5);
      expect(run.skippedWorkloads?.W7).toMatch(/W1-W4 only/);
    },
    120_000,
  );
});
