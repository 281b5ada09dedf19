import '@tensile/autograd';
import type { Tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { F } from '../src';
import {
  type Case,
  decodeArgs,
  decodeTensor,
  type EncodedTensor,
  expectTensor,
  loadFixture,
} from './helpers';

type GradCase = Case & { out: EncodedTensor; weight: EncodedTensor; grad: EncodedTensor };

const fixture = loadFixture('gradients');

// Each case runs F[op](x, ...args, opts) on a float image x that requires grad and
// backpropagates sum(out * weight) to x, as torchvision 0.14 does on the same tensors: the
// transforms are tensor ops, so the gradient reaches the image (issue 22).
describe('transform gradients (torchvision golden)', () => {
  for (const c of fixture.cases as GradCase[]) {
    it(`${c.op}/${c.id}`, () => {
      const fn = (F as unknown as Record<string, (...a: unknown[]) => Tensor>)[c.op];
      const [img, ...rest] = decodeArgs(c.args) as [Tensor, ...unknown[]];
      const x = img.requiresGrad_();
      const out = c.opts === undefined ? fn(x, ...rest) : fn(x, ...rest, c.opts);
      expect(out.gradFn).not.toBeNull();
      out.mul(decodeTensor(c.weight)).sum().backward();
      expectTensor(out.detach(), c.out, c.tol);
      expectTensor(x.grad as Tensor, c.grad, c.tol);
    });
  }
});
