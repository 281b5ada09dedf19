import { describe, it } from 'vitest';
import { F } from '../src';
import { decodeArgs, expectOut, loadFixture } from './helpers';

const fixture = loadFixture('functional');

// Each case calls F[op](...args, opts) and compares with torchvision 0.14 on the same tensors.
describe('functional (torchvision golden)', () => {
  for (const c of fixture.cases) {
    it(`${c.op}/${c.id}`, () => {
      const fn = (F as unknown as Record<string, (...a: unknown[]) => unknown>)[c.op];
      const args = decodeArgs(c.args) as unknown[];
      const out = c.opts === undefined ? fn(...args) : fn(...args, c.opts);
      expectOut(out, c.out, c.tol);
    });
  }
});
