/**
 * The fused SGD and Adam kernels against the op-by-op compositions they replace: a parameter stored
 * transposed (not dense) makes the kernel decline, so the same steps run both ways.
 */
import '@tensile/autograd';
import { manualSeed, randn, type Tensor } from '@tensile/tensor';
import { describe, expect, test } from 'vitest';
import { Adam, AdamW, SGD, type SGDOptions } from '../src';

type Make = (p: Tensor) => { step(): unknown };

/** Ten optimizer steps on one parameter with fixed gradients; returns its values. */
function train(p: Tensor, grads: Tensor[], make: Make): number[] {
  const opt = make(p);
  for (const g of grads) {
    p.grad = g.clone();
    opt.step();
  }
  return Array.from(p.contiguous().dataSync());
}

describe('fused SGD step', () => {
  const settings: SGDOptions[] = [
    { lr: 0.1 },
    { lr: 0.01, momentum: 0.9 },
    { lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 1e-3 },
    { lr: 0.02, momentum: 0.7, nesterov: true, weightDecay: 5e-4, maximize: true },
  ];
  test.each(settings)('%j agrees to the bit with the composed update', (opts) =>
    bothWays((p) => new SGD([p], opts)),
  );
  // Long enough for the WebAssembly kernel, and not a whole number of vectors.
  test.each(settings)('%j on 6,403 values', (opts) =>
    bothWays((p) => new SGD([p], opts), [19, 337]),
  );
});

describe('fused Adam step', () => {
  const settings: [string, Make][] = [
    ['Adam', (p) => new Adam([p], { lr: 0.01 })],
    [
      'Adam amsgrad, L2, maximize',
      (p) => new Adam([p], { lr: 0.05, amsgrad: true, weightDecay: 0.1, maximize: true }),
    ],
    ['AdamW', (p) => new AdamW([p], { lr: 0.02, betas: [0.8, 0.99], eps: 1e-6 })],
  ];
  test.each(settings)('%s agrees to the bit with the composed update', (_, make) => bothWays(make));
  test.each(settings)('%s on 6,403 values', (_, make) => bothWays(make, [19, 337]));
});

function bothWays(make: Make, shape = [5, 7]): void {
  manualSeed(3);
  const init = randn(shape);
  const grads = Array.from({ length: 10 }, () => randn(shape));
  const dense = init.clone().requiresGrad_();
  // The same values stored column by column: the kernel declines a strided parameter.
  const strided = init.t().contiguous().t().requiresGrad_();
  expect(strided.isContiguous()).toBe(false);
  const fused = train(dense, grads, make);
  expect(fused).toEqual(train(strided, grads, make));
  expect(fused).not.toEqual(Array.from(init.dataSync()));
}
