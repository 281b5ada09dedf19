import { arange, Generator, IndexError, tensor, ValueError } from '@tensile/tensor';
import { describe, expect, it, vi } from 'vitest';
import { ChainDataset, ConcatDataset, randomSplit, Subset, TensorDataset } from '../src/index';
import { AsyncCount, MyDs, RangeStream } from './fixtures/datasets';

describe('TensorDataset', () => {
  it('returns the index-th row of each tensor', () => {
    const ds = new TensorDataset(arange(6).reshape([3, 2]), tensor([7, 8, 9]));
    expect(ds.length).toBe(3);
    const [x, y] = ds.get(1);
    expect(Array.from(x.dataSync())).toEqual([2, 3]);
    expect(y.item()).toBe(8);
    expect(ds.get(-1)[1].item()).toBe(9);
    expect(() => ds.get(3)).toThrow(IndexError);
  });

  it('rejects tensors of different first dims', () => {
    expect(() => new TensorDataset(arange(3), arange(4))).toThrow('Size mismatch between tensors');
  });
});

describe('ConcatDataset', () => {
  const ds = new ConcatDataset([new MyDs([1, 2], [0, 0]), new MyDs([3, 4, 5], [1, 1, 1])]);

  it('indexes across datasets, negative indices from the end', () => {
    expect(ds.length).toBe(5);
    expect(ds.cumulativeSizes).toEqual([2, 5]);
    expect([0, 1, 2, 4].map((i) => ds.get(i)[0])).toEqual([1, 2, 3, 5]);
    expect(ds.get(-5)[0]).toBe(1);
    expect(() => ds.get(5)).toThrow(IndexError);
  });

  it('rejects an empty list and iterable datasets', () => {
    expect(() => new ConcatDataset([])).toThrow('datasets should not be an empty iterable');
    // biome-ignore lint/suspicious/noExplicitAny: an iterable dataset where a map-style one belongs
    expect(() => new ConcatDataset([new RangeStream(0, 3) as any])).toThrow(/ChainDataset/);
  });
});

describe('ChainDataset', () => {
  it('chains sync iterables, and async ones with for await', async () => {
    const chain = new ChainDataset([new RangeStream(0, 2), [10, 11]]);
    expect([...chain]).toEqual([0, 1, 10, 11]);
    expect(chain.length).toBe(4);
    const mixed = new ChainDataset<number>([new RangeStream(0, 2), new AsyncCount(2)]);
    const seen: number[] = [];
    for await (const v of mixed) seen.push(v);
    expect(seen).toEqual([0, 1, 0, 1]);
    expect(() => [...mixed]).toThrow(/async-only/);
  });
});

describe('Subset and randomSplit', () => {
  const base = new MyDs([10, 11, 12, 13, 14, 15, 16, 17, 18, 19], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);

  it('Subset picks indices in order', () => {
    const sub = new Subset(base, [3, 0]);
    expect(sub.length).toBe(2);
    expect(sub.get(0)[0]).toBe(13);
    expect(sub.get(1)[0]).toBe(10);
    expect(() => sub.get(2)).toThrow(IndexError);
  });

  it('splits by lengths into a permutation, repeatable with a generator', () => {
    const [a, b] = randomSplit(base, [7, 3], { generator: new Generator(42) });
    expect([a.length, b.length]).toEqual([7, 3]);
    expect([...a.indices, ...b.indices].sort((x, y) => x - y)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    const [a2] = randomSplit(base, [7, 3], { generator: new Generator(42) });
    expect(a2.indices).toEqual(a.indices);
  });

  it('splits a plain array as PyTorch splits a list (issue 20)', () => {
    const letters = [...'abcdefghij'];
    const [a, b] = randomSplit(letters, [7, 3], { generator: new Generator(42) });
    const [da, db] = randomSplit(base, [7, 3], { generator: new Generator(42) });
    expect([a.indices, b.indices]).toEqual([da.indices, db.indices]);
    expect(a.dataset).toBe(letters);
    expect(Array.from({ length: 7 }, (_, i) => a.get(i))).toEqual(a.indices.map((i) => letters[i]));
    expect(b.get(-1)).toBe(letters[b.indices[2]]);
    expect(() => b.get(3)).toThrow(IndexError);
  });

  it('rounds fractions as PyTorch: floor, then the remainder one by one from the first', () => {
    const ds = { length: 10, get: (i: number) => i };
    expect(randomSplit(ds, [0.33, 0.33, 0.34]).map((s) => s.length)).toEqual([4, 3, 3]);
    expect(randomSplit(ds, [0.5, 0.5]).map((s) => s.length)).toEqual([5, 5]);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    expect(
      randomSplit({ length: 2, get: (i: number) => i }, [0.1, 0.1, 0.8]).map((s) => s.length),
    ).toEqual([1, 0, 1]);
    expect(warn).toHaveBeenCalledWith(
      'Length of split at index 1 is 0. This might result in an empty dataset.',
    );
    warn.mockRestore();
  });

  it('rejects lengths that do not add up', () => {
    expect(() => randomSplit(base, [5, 4])).toThrow(ValueError);
    expect(() => randomSplit(base, [5, 4])).toThrow(
      'Sum of input lengths does not equal the length of the input dataset!',
    );
  });
});
