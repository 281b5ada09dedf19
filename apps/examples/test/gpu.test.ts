import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWrapped, sampleDir, tempDir } from './run-example';

/**
 * The main job with `--device gpu`, as a user on a headless machine runs it: under `xvfb-run -a`
 * (Mesa renders on the CPU here). Skipped where gl is not installed (`pnpm gpu:setup`) or there is
 * no display and no xvfb-run, except in CI (TENSILE_GPUJS_REQUIRED=1), where that is a missing
 * install step.
 */
const hasXvfbRun = spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0;
const wrapper = process.env.DISPLAY ? [] : hasXvfbRun ? ['xvfb-run', '-a'] : null;

function hasGl(): boolean {
  try {
    const examples = createRequire(join(import.meta.dirname, '..', 'package.json'));
    createRequire(examples.resolve('gpu.js')).resolve('gl');
    return true;
  } catch {
    return false;
  }
}
const runs = (wrapper !== null && hasGl()) || process.env.TENSILE_GPUJS_REQUIRED === '1';
if (!runs) console.warn('gpu example skipped: gl not installed (pnpm gpu:setup) or no display');

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
