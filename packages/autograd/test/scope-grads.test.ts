/** Gradients and scopes: a leaf's .grad lives as long as the leaf, as in PyTorch. */
import * as T from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import '../src/index';

const disposed = (t: T.Tensor) => {
  try {
    t.dataSync();
    return false;
  } catch (e) {
    return /disposed/.test((e as Error).message);
  }
};

describe('gradients made inside a scope', () => {
  it('outlive the scope for a leaf made outside it, and accumulate across scopes', () => {
    const w = T.tensor([1, 2, 3], { dtype: 'float32' }).requiresGrad_();
    T.scope(() => w.mul(2).sum().backward());
    expect(Array.from((w.grad as T.Tensor).dataSync())).toEqual([2, 2, 2]);
    // Gradient accumulation over micro-batches, each in its own scope.
    T.scope(() => w.mul(3).sum().backward());
    expect(Array.from((w.grad as T.Tensor).dataSync())).toEqual([5, 5, 5]);
  });

  it('outlive the scope for a kept leaf (a parameter) and for retainGrad', () => {
    const w = T.keep(T.tensor([1, 2], { dtype: 'float32' }).requiresGrad_());
    let y: T.Tensor | null = null;
    T.scope(() => {
      const x = T.scope(() => w.mul(w));
      x.retainGrad();
      y = x;
      x.sum().backward();
      expect(Array.from((x.grad as T.Tensor).dataSync())).toEqual([1, 1]);
    });
    expect(Array.from((w.grad as T.Tensor).dataSync())).toEqual([2, 4]);
    // x itself was made in the scope and freed with it, and so was its gradient.
    expect(disposed(y as unknown as T.Tensor)).toBe(true);
  });

  it('are freed at the end of the scope that drops or replaces them', () => {
    const w = T.tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
    T.scope(() => w.sum().backward());
    const first = w.grad as T.Tensor;
    T.scope(() => {
      w.grad = null;
      expect(disposed(first)).toBe(false);
    });
    expect(disposed(first)).toBe(true);
    T.scope(() => w.sum().backward());
    const second = w.grad as T.Tensor;
    const kept = T.scope(() => {
      w.grad = null;
      return second;
    });
    expect(disposed(kept)).toBe(false);
  });

  it('stay with a leaf that the scope returns', () => {
    const w = T.scope(() => {
      const leaf = T.tensor([1, 2, 3], { dtype: 'float32' }).requiresGrad_();
      leaf.mul(2).sum().backward();
      return leaf;
    });
    expect(Array.from((w.grad as T.Tensor).dataSync())).toEqual([2, 2, 2]);
  });

  it('leave alone a gradient the user assigned, which the user owns', () => {
    const w = T.tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
    const mine = T.ones([2]);
    w.grad = mine;
    T.scope(() => {
      w.grad = null;
    });
    expect(disposed(mine)).toBe(false);
  });
});
