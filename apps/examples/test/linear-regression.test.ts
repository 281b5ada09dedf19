import { join } from 'node:path';
import { loadRuns } from '@tensile/board';
import { describe, expect, it } from 'vitest';
import { expectUsageError, runExample, runExampleWith, tempDir } from './run-example';

/** Runs one of the two fits; returns the learned w and b and the runs it wrote. */
async function fit(file: string, steps: number) {
  const logdir = join(tempDir(), 'run');
  const { code, stdout, stderr } = await runExample(
    file,
    '--steps',
    String(steps),
    '--logdir',
    logdir,
  );
  expect(code, stderr).toBe(0);
  const [, w, b] = /learned w = ([\d.]+), b = ([\d.]+)/.exec(stdout) ?? [];
  return { w: Number(w), b: Number(b), runs: await loadRuns(join(logdir, '..')) };
}

describe('linear regression', () => {
  it('by hand (autograd + manual SGD): fits y = 3x + 2 and writes a TensorBoard run', async () => {
    const { w, b, runs } = await fit('linear-regression.ts', 60);
    expect(w).toBeCloseTo(3, 0);
    expect(b).toBeCloseTo(2, 0);
    expect(runs.run?.scalars['train/loss']).toHaveLength(60);
    expect(Object.keys(runs)).toEqual(
      expect.arrayContaining(['run', 'run/params_w', 'run/params_b']),
    );
  }, 180_000);

  it('with nn.Linear, MSELoss and optim.SGD: the same fit, the loss on the board', async () => {
    const { w, b, runs } = await fit('linear-regression-nn.ts', 80);
    expect(w).toBeCloseTo(3, 1);
    expect(b).toBeCloseTo(2, 1);
    const losses = runs.run?.scalars['train/loss'] ?? [];
    expect(losses).toHaveLength(80);
    expect(losses[79].value).toBeLessThan(losses[0].value / 100);
  }, 180_000);

  it('takes paths relative to where pnpm was run (INIT_CWD), not to the package', async () => {
    const userDir = tempDir();
    const run = await runExampleWith(
      { INIT_CWD: userDir },
      'linear-regression.ts',
      '--steps',
      '3',
      '--logdir',
      'runs/lr',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`board --logdir ${join(userDir, 'runs')}`);
    expect((await loadRuns(join(userDir, 'runs'))).lr?.scalars['train/loss']).toHaveLength(3);
  }, 180_000);

  it('answers bad input with usage, not a stack trace', async () => {
    const [byHand, withNn] = await Promise.all([
      runExample('linear-regression.ts', '--steps', 'abc'),
      runExample('linear-regression-nn.ts', '--lr', '0'),
    ]);
    expectUsageError(byHand, /--steps must be an integer >= 1, got 'abc'/);
    expectUsageError(withNn, /--lr must be a positive number, got '0'/);
  }, 180_000);
});
