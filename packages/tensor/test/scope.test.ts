import { describe, expect, it } from 'vitest';
import * as T from '../src/index';

const disposed = (t: T.Tensor) => {
  try {
    t.dataSync();
    return false;
  } catch (e) {
    return /disposed/.test((e as Error).message);
  }
};

describe('scope, keep and dispose', () => {
  it('disposes what the scope made, except its result and kept tensors', () => {
    const outside = T.ones([3]);
    let inner: T.Tensor | null = null;
    let kept: T.Tensor | null = null;
    const view = outside.narrow(0, 0, 2);
    const result = T.scope(() => {
      inner = outside.mul(2);
      kept = T.keep(outside.add(1));
      view.mul_(3);
      return { out: [inner.add(1)], n: 5 };
    });
    expect(disposed(inner as unknown as T.Tensor)).toBe(true);
    expect(Array.from((kept as unknown as T.Tensor).dataSync())).toEqual([2, 2, 2]);
    expect(Array.from(result.out[0].dataSync())).toEqual([3, 3, 3]);
    expect(Array.from(outside.dataSync())).toEqual([3, 3, 1]);
  });

  it('moves a nested scope result to the enclosing scope', () => {
    let mid: T.Tensor | null = null;
    const last = T.scope(() => {
      mid = T.scope(() => T.arange(3).add(1));
      return mid.sum();
    });
    expect(disposed(mid as unknown as T.Tensor)).toBe(true);
    expect(last.item()).toBe(6);
  });

  it('frees on an exception and refuses asynchronous functions', () => {
    let made: T.Tensor | null = null;
    expect(() =>
      T.scope(() => {
        made = T.zeros([2]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(disposed(made as unknown as T.Tensor)).toBe(true);
    expect(() => T.scope(async () => T.zeros([1]))).toThrow(/synchronous/);
  });

  it('dispose() makes every view of the storage fail clearly', () => {
    const x = T.ones([4]);
    const v = x.narrow(0, 1, 2);
    x.dispose();
    expect(() => v.add(1)).toThrow(/disposed/);
    expect(() => x.tolist()).toThrow(/disposed/);
  });
});
