import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadRuns } from '@tensile/board';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cwd = join(import.meta.dirname, '..');
const script = (file: string, ...args: string[]) =>
  run(
    process.execPath,
    ['--import', 'tsx', '--conditions=@tensile/source', join('src', file), ...args],
    { cwd },
  );

describe('main job (linear regression with board logging)', () => {
  it('trains, prints the fit and writes a TensorBoard run', async () => {
    const logdir = join(mkdtempSync(join(tmpdir(), 'tensile-main-')), 'run');
    const { stdout } = await script('linear-regression.ts', '--steps', '60', '--logdir', logdir);
    const [, w, b] = /learned w = ([\d.]+), b = ([\d.]+)/.exec(stdout) ?? [];
    expect(Number(w)).toBeCloseTo(3, 0);
    expect(Number(b)).toBeCloseTo(2, 0);
    const runs = await loadRuns(join(logdir, '..'));
    expect(runs.run?.scalars['train/loss']).toHaveLength(60);
    expect(Object.keys(runs)).toEqual(
      expect.arrayContaining(['run', 'run/params_w', 'run/params_b']),
    );
  }, 60_000);

  it('answers bad input with usage, not a stack trace', async () => {
    const err = (await script('linear-regression.ts', '--steps', 'abc').catch((e) => e)) as {
      code: number;
      stderr: string;
    };
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/--steps must be a positive integer[\s\S]*usage:/);
    expect(err.stderr).not.toMatch(/at .*\.ts:\d+/);
  }, 60_000);
});
