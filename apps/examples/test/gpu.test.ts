import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWrapped, sampleDir, tempDir } from './run-example';

/**
 * The main job with `--device gpu`, as a user on a headless machine runs it: under `xvfb-run -a`
 * (Mesa renders on the CPU here). Skipped where there is no display and no xvfb-run, except in
 * CI (TENSILE_GPUJS_REQUIRED=1), where that is a missing install step.
 */
const hasXvfbRun = spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0;
const wrapper = process.env.DISPLAY ? [] : hasXvfbRun ? ['xvfb-run', '-a'] : null;
const runs = wrapper !== null || process.env.TENSILE_GPUJS_REQUIRED === '1';

describe.skipIf(!runs)('main job on the gpu device', () => {
  it('trains, evaluates, checkpoints and resumes on gpu', async () => {
    const logdir = tempDir();
    const args = ['--data', sampleDir, '--limit-steps', '2', '--logdir', logdir, '--device', 'gpu'];
    const first = await runWrapped(wrapper ?? [], {}, 'fashion-mnist.ts', ...args, '--epochs', '1');
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/epoch 1\/1: train loss \d\.\d+, test accuracy/);
    expect(existsSync(join(logdir, 'checkpoint.safetensors'))).toBe(true);
    const second = await runWrapped(
      wrapper ?? [],
      {},
      'fashion-mnist.ts',
      ...args,
      '--epochs',
      '2',
      '--resume',
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/resumed from .* after epoch 1/);
    expect(second.stdout).toMatch(/final test accuracy: .* after 2 epochs/);
  }, 180_000);
});
