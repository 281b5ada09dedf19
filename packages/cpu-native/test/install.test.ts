import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'build.mjs');
const build = (env: Record<string, string>) =>
  spawnSync(process.execPath, [script], { env: { ...process.env, ...env }, encoding: 'utf8' });

it('an install without a C compiler goes on, with one line that says why', () => {
  const r = build({ CC: '/nonexistent/cc' });
  expect(r.status).toBe(0);
  expect(r.stdout.trim().split('\n')).toEqual([
    "@tensile/cpu-native: not built (no C compiler: /nonexistent/cc ENOENT); Tensile's CPU backend uses its WebAssembly kernels",
  ]);
});

it('a compiler that fails does not fail the install either', () => {
  const r = build({ CC: 'false' });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^@tensile\/cpu-native: not built \(false failed: exit status 1\)/);
});
