// Runs an example as a user would (node + tsx, sibling packages from source) and collects its
// output; a failed run resolves too, with its exit code, so tests can check usage errors.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

export const examplesDir = join(import.meta.dirname, '..');
export const sampleDir = join(examplesDir, 'data', 'fashion-mnist-sample');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function runExample(file: string, ...args: string[]): Promise<Run> {
  return runExampleWith({}, file, ...args);
}

/** runExample with extra environment variables, optionally under a wrapper (`xvfb-run -a`). */
export function runExampleWith(
  env: Record<string, string>,
  file: string,
  ...args: string[]
): Promise<Run> {
  return runWrapped([], env, file, ...args);
}

export function runWrapped(
  wrapper: string[],
  env: Record<string, string>,
  file: string,
  ...args: string[]
): Promise<Run> {
  const argv = ['--import', 'tsx', '--conditions=@tensile/source', join('src', file), ...args];
  const [command, ...rest] = [...wrapper, process.execPath, ...argv];
  const options = { cwd: examplesDir, env: { ...process.env, ...env } };
  return new Promise((resolve) => {
    execFile(command, rest, options, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A fresh directory for a run's output. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tensile-examples-'));
}

/** Usage errors: exit code 2, the message and the usage text, and no stack trace. */
export function expectUsageError(run: Run, message: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).toMatch(/usage:/);
  expect(run.stderr).not.toMatch(/\n\s+at .*:\d+/);
}
