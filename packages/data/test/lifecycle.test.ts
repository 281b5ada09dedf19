import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const script = fileURLToPath(new URL('./fixtures/exit-after-break.ts', import.meta.url));

describe('DataLoader worker lifecycle', () => {
  it('shuts workers down on break and lets the process exit with idle persistent workers', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=@tensile/source', script],
      {
        cwd: packageDir,
        encoding: 'utf8',
        timeout: 100_000, // tsx and two workers start slowly on a busy machine
      },
    );
    expect(run.error).toBeUndefined(); // a lingering worker would hit the timeout
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('done 6');
  }, 120_000);
});
