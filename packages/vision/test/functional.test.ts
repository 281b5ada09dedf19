import { type Tensor, tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
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

describe('resize with antialias', () => {
  it('keeps a NaN to the outputs whose windows hold it (torchvision 0.14)', () => {
    const x = tensor([[[1, 2, 3, 4, 5, Number.NaN, 7, 8]]], { dtype: 'float32' });
    const out = (F.resize(x, [1, 3], { antialias: true }) as Tensor).tolist() as number[][][];
    // torchvision: [[[2.1052632331848145, nan, nan]]]
    expect(out[0][0][0]).toBeCloseTo(2.1052632331848145, 6);
    expect(out[0][0].slice(1).every(Number.isNaN)).toBe(true);
  });
});
