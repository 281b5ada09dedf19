import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Without a display, the first op on 'gpu' must fail with what to install and how to run,
 * never fall back to gpu.js's CPU mode. Run in a child process with DISPLAY removed.
 */
describe('gpu backend without a display', () => {
  it('throws a DeviceError naming xvfb-run and the packages', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const tsx = createRequire(import.meta.url).resolve('tsx/esm');
    const script = `
      import * as T from '@tensile/tensor';
      import { isGpuAvailable } from '${join(here, '../src/index.ts')}';
      console.log('available=' + isGpuAvailable());
      try { T.ones([2], { device: 'gpu' }); } catch (e) { console.log(e.name + ': ' + e.message); }
    `;
    const env = { ...process.env };
    delete env.DISPLAY;
    const run = spawnSync(
      process.execPath,
      ['--import', tsx, '--conditions=@tensile/source', '--input-type=module', '-e', script],
      { env, encoding: 'utf8', cwd: here },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('available=false');
    expect(run.stdout).toContain('DeviceError: the gpu backend found no headless-gl context');
    expect(run.stdout).toMatch(/xvfb-run -a/);
    expect(run.stdout).toMatch(/libx11-dev/);
  });
});
