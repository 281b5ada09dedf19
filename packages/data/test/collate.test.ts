import { Tensor, tensor, zeros } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { CollateError, defaultCollate, defaultConvert } from '../src/index';

const values = (t: unknown) => Array.from((t as Tensor).dataSync());

describe('defaultCollate', () => {
  it('stacks tensors along a new first dim', () => {
    const out = defaultCollate([tensor([1, 2]), tensor([3, 4]), tensor([5, 6])]);
    expect(out.shape).toEqual([3, 2]);
    expect(values(out)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('makes int64 of integers, float64 of other numbers and bool of booleans, as PyTorch', () => {
    expect(defaultCollate([1, 2, 3]).dtype).toBe('int64');
    const floats = defaultCollate([1, 2.5]);
    expect(floats.dtype).toBe('float64');
    expect(values(floats)).toEqual([1, 2.5]);
    const bools = defaultCollate([true, false]);
    expect(bools.dtype).toBe('bool');
    expect(values(bools)).toEqual([1, 0]);
  });

  it('turns typed arrays into tensors of the matching dtype', () => {
    const f = defaultCollate([Float32Array.of(1, 2), Float32Array.of(3, 4)]);
    expect([f.dtype, f.shape]).toEqual(['float32', [2, 2]]);
    expect(defaultCollate([Uint8Array.of(1), Uint8Array.of(2)]).dtype).toBe('uint8');
    expect(defaultCollate([Int16Array.of(-1), Int16Array.of(2)]).dtype).toBe('int32');
    const big = defaultCollate([BigInt64Array.of(5n), BigInt64Array.of(-7n)]);
    expect([big.dtype, values(big)]).toEqual(['int64', [5, -7]]);
  });

  it('collates objects field-wise and arrays position-wise; strings stay a list', () => {
    const out = defaultCollate([
      { image: Float32Array.of(0, 1), label: 1, name: 'a', pair: [1, 0.5] },
      { image: Float32Array.of(2, 3), label: 0, name: 'b', pair: [2, 1.5] },
    ]);
    expect(out.image.shape).toEqual([2, 2]);
    expect(values(out.label)).toEqual([1, 0]);
    expect(out.name).toEqual(['a', 'b']);
    expect(out.pair[0].dtype).toBe('int64');
    expect(values(out.pair[1])).toEqual([0.5, 1.5]);
  });

  it('names the shapes and the entry when samples differ, and points to collateFn', () => {
    const batch = [zeros([3, 28]), zeros([3, 28]), zeros([3, 27])];
    expect(() => defaultCollate(batch)).toThrow(CollateError);
    expect(() => defaultCollate(batch)).toThrow(
      'stack expects each tensor to be equal size, but got [3, 28] at entry 0 and [3, 27] at entry 2',
    );
    expect(() => defaultCollate(batch)).toThrow(/collateFn/);
  });

  it('rejects lists of unequal length, mixed kinds and unsupported values', () => {
    expect(() => defaultCollate([[1, 2], [3]])).toThrow(
      'each element in list of batch should be of equal size',
    );
    expect(() => defaultCollate([1, 'a'])).toThrow(
      /entry 0 of the batch is a number but entry 1 is a string/,
    );
    expect(() => defaultCollate([null])).toThrow(/found null/);
    expect(() => defaultCollate([])).toThrow(/empty/);
  });
});

describe('defaultConvert', () => {
  it('converts typed arrays inside and keeps everything else', () => {
    const out = defaultConvert({ x: Float64Array.of(1, 2), y: 3, tags: ['a'] });
    expect(out.x).toBeInstanceOf(Tensor);
    expect(out.x.dtype).toBe('float64');
    expect(out.y).toBe(3);
    expect(out.tags).toEqual(['a']);
  });
});
