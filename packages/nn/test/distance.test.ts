import '@tensile/autograd';
import { randn, type Tensor, tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { CosineSimilarity, F, PairwiseDistance } from '../src';

const values = (t: Tensor) => Array.from(t.dataSync(), Number);
const f32 = (v: number[], shape: number[]) => tensor(v, { dtype: 'float32' }).reshape(shape);

describe('cosine similarity', () => {
  it('is 1 for parallel, 0 for orthogonal and -1 for opposite rows', () => {
    const a = f32([1, 2, 1, 0, 3, 3], [3, 2]);
    const b = f32([2, 4, 0, 5, -1, -1], [3, 2]);
    const out = values(new CosineSimilarity().forward(a, b));
    expect(out[0]).toBeCloseTo(1, 6);
    expect(out[1]).toBeCloseTo(0, 6);
    expect(out[2]).toBeCloseTo(-1, 6);
  });

  it('gives 0, not NaN, for a zero vector, with a finite gradient', () => {
    const a = f32([0, 0], [1, 2]).requiresGrad_();
    const out = F.cosineSimilarity(a, f32([1, 1], [1, 2]));
    expect(values(out)).toEqual([0]);
    out.sum().backward();
    for (const g of values(a.grad as Tensor)) expect(Number.isFinite(g)).toBe(true);
  });

  it('defaults to dim 1 and eps 1e-8, printed with no settings as in PyTorch', () => {
    const m = new CosineSimilarity();
    expect([m.dim, m.eps]).toEqual([1, 1e-8]);
    expect(String(m)).toBe('CosineSimilarity()');
    expect(new CosineSimilarity({ dim: 0 }).forward(randn([3, 2]), randn([3, 2])).shape).toEqual([
      2,
    ]);
  });
});

describe('pairwise distance', () => {
  it('is the p-norm of x1 - x2 + eps over the last dim', () => {
    const a = f32([0, 0, 1, 1], [2, 2]);
    const b = f32([3, 4, 1, 1], [2, 2]);
    const [d0, d1] = values(new PairwiseDistance({ eps: 0 }).forward(a, b));
    expect(d0).toBeCloseTo(5, 6);
    expect(d1).toBe(0);
    expect(values(F.pairwiseDistance(a, b, { p: 1, eps: 0 }))).toEqual([7, 0]);
    expect(F.pairwiseDistance(a, b, { keepdim: true }).shape).toEqual([2, 1]);
  });

  it('pdist lists the N*(N-1)/2 distances of rows i < j in order', () => {
    const x = f32([0, 0, 3, 4, 6, 8], [3, 2]);
    const out = values(F.pdist(x));
    [5, 10, 5].forEach((d, i) => {
      expect(out[i]).toBeCloseTo(d, 5);
    });
    expect(() => F.pdist(randn([3]))).toThrow('pdist only supports 2D tensors, got: 1D');
  });
});
