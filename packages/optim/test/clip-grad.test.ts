import { tensor, zeros } from '@tensile/tensor';
import { describe, expect, test } from 'vitest';
import { clipGradNorm_, clipGradValue_, OptimizerError } from '../src';
import {
  decodeNumber,
  expectClose,
  expectTensorClose,
  FLOAT32,
  loadFixture,
  type TensorJson,
} from './helpers';

interface ClipCase {
  id: string;
  grads: [number[][], number[]];
  maxNorm?: number;
  normType?: number | { $num: string };
  clipValue?: number;
  totalNorm?: number;
  clipped: TensorJson[];
}

const fixture = loadFixture<ClipCase>('clip.json');

function withGrads(grads: ClipCase['grads']) {
  return grads.map((g) => {
    const p = zeros([...tensor(g).shape], { requiresGrad: true });
    p.grad = tensor(g, { dtype: 'float32' });
    return p;
  });
}

describe('gradient clipping matches PyTorch', () => {
  for (const c of fixture.cases) {
    test(c.id, () => {
      const params = withGrads(c.grads);
      if (c.clipValue !== undefined) {
        clipGradValue_(params, c.clipValue);
      } else {
        const total = clipGradNorm_(params, c.maxNorm!, { normType: decodeNumber(c.normType!) });
        expectClose(total.item(), c.totalNorm!, FLOAT32, 'total norm');
      }
      params.forEach((p, i) => {
        expectTensorClose(p.grad!, c.clipped[i], FLOAT32, `grad ${i}`);
      });
    });
  }
});

describe('clipGradNorm_', () => {
  test('returns 0 when no parameter has a gradient, and accepts a single tensor', () => {
    expect(clipGradNorm_([zeros([2], { requiresGrad: true })], 1).item()).toBe(0);
    const [p] = withGrads([[[3, 4]], [0]]);
    expect(clipGradNorm_(p, 1).item()).toBeCloseTo(5, 5);
    expect(p.grad!.norm().item()).toBeCloseTo(1, 5);
  });

  test('errorIfNonfinite refuses a NaN or infinite norm before touching the gradients', () => {
    const params = withGrads([[[1, Infinity]], [1]]);
    expect(() => clipGradNorm_(params, 1, { errorIfNonfinite: true })).toThrow(OptimizerError);
    expect(params[1].grad!.item()).toBe(1);
    expect(() => clipGradNorm_(params, 1, { errorIfNonfinite: true })).toThrow(/non-finite/);
  });
});
