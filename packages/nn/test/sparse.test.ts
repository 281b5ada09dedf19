import '@tensile/autograd';
import { manualSeed, noGrad, type Tensor, tensor, zeros } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { Embedding, F } from '../src';

const values = (t: Tensor | null) => Array.from(t?.dataSync() ?? [], Number);
const ids = (v: number[]) => tensor(v, { dtype: 'int64' });

describe('Embedding', () => {
  it('starts N(0, 1) with the padding row zero', () => {
    manualSeed(0);
    const emb = new Embedding(2000, 10, { paddingIdx: 3 });
    const w = values(emb.weight);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(variance).toBeCloseTo(1, 1);
    expect(values(emb.weight.select(0, 3))).toEqual(Array(10).fill(0));
    expect(Object.keys(emb.stateDict())).toEqual(['weight']);
  });

  it('looks up rows into [...input.shape, embeddingDim]', () => {
    const emb = new Embedding(4, 2);
    const out = emb.forward(tensor([[3, 0, 3]], { dtype: 'int64' }));
    expect(out.shape).toEqual([1, 3, 2]);
    expect(values(out.select(1, 0))).toEqual(values(emb.weight.select(0, 3)));
  });

  it('gives the padding row no gradient, whatever its value', () => {
    const emb = new Embedding(3, 2, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(2);
    noGrad(() => emb.weight.fill_(1));
    emb
      .forward(ids([2, 0, 2]))
      .sum()
      .backward();
    expect(values(emb.weight.grad)).toEqual([1, 1, 0, 0, 0, 0]);
  });

  it('prints its options as PyTorch', () => {
    expect(String(new Embedding(10, 3))).toBe('Embedding(10, 3)');
    expect(String(new Embedding(10, 3, { paddingIdx: 0, maxNorm: 1, scaleGradByFreq: true }))).toBe(
      'Embedding(10, 3, padding_idx=0, max_norm=1.0, scale_grad_by_freq=True)',
    );
  });

  it('fromPretrained shares the tensor and freezes it unless told not to', () => {
    const table = tensor([1, 2, 3, 4, 5, 6], { dtype: 'float32' }).reshape([3, 2]);
    const frozen = Embedding.fromPretrained(table);
    expect(frozen.weight.requiresGrad).toBe(false);
    expect(values(frozen.forward(ids([2])))).toEqual([5, 6]);
    table.fill_(0);
    expect(values(frozen.weight)).toEqual(Array(6).fill(0));
    expect(Embedding.fromPretrained(table, { freeze: false }).weight.requiresGrad).toBe(true);
    expect(() => Embedding.fromPretrained(zeros([3]))).toThrow('expected to be 2-dimensional');
  });

  it('maxNorm rescales the rows it looks up, in place', () => {
    const emb = Embedding.fromPretrained(
      tensor([3, 4, 0.3, 0.4], { dtype: 'float32' }).reshape([2, 2]),
      { maxNorm: 1 },
    );
    emb.forward(ids([0, 1]));
    const [a, b, c, d] = values(emb.weight);
    expect(Math.hypot(a, b)).toBeCloseTo(1, 5);
    expect([c, d]).toEqual([0.3, 0.4].map(Math.fround));
  });

  it('names the bad index and the table size', () => {
    expect(() => new Embedding(5, 2).forward(ids([0, 7]))).toThrow(
      'index 7 is out of range for num_embeddings=5',
    );
    expect(() => new Embedding(5, 2, { paddingIdx: -6 })).toThrow(
      'Padding_idx must be within num_embeddings',
    );
  });
});

describe('F.oneHot', () => {
  it('makes int64 one-hot rows, the class count inferred or given', () => {
    const out = F.oneHot(ids([2, 0]), 3);
    expect(out.dtype).toBe('int64');
    expect(values(out)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(F.oneHot(ids([1, 3])).shape).toEqual([2, 4]);
  });
});
