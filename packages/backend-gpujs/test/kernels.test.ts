import * as T from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { gpuReady } from './gpu';

/** Kernel paths the shared conformance cases do not reach, each checked against the CPU. */
function same(make: (device: string) => T.Tensor | T.Tensor[]): void {
  const flat = (r: T.Tensor | T.Tensor[]) =>
    (Array.isArray(r) ? r : [r]).map((t) => ({
      dtype: t.dtype,
      shape: t.shape,
      data: Array.from(t.dataSync()),
    }));
  const [cpu, gpu] = ['cpu', 'gpu'].map((d) => flat(make(d)));
  expect(gpu.map((t) => [t.dtype, t.shape])).toEqual(cpu.map((t) => [t.dtype, t.shape]));
  cpu.forEach((t, k) => {
    t.data.forEach((v, i) => {
      const g = gpu[k].data[i];
      if (Number.isNaN(v)) expect(g).toBeNaN();
      else if (!Number.isFinite(v)) expect(g).toBe(v);
      else expect(Math.abs(g - v)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(v));
    });
  });
}

const data = (device: string, shape: number[], seed = 1) =>
  T.randn(shape, { generator: new T.Generator(seed) }).to(device);

describe.skipIf(!gpuReady)('gpu kernels', () => {
  it('matmul splits a long K over threads and sums the chunks', () => {
    same((d) =>
      data(d, [3, 2000])
        .matmul(data(d, [2000, 4], 2))
        .div(45),
    );
    same((d) =>
      data(d, [2, 3, 700])
        .matmul(data(d, [2, 700, 5], 2))
        .div(26),
    );
    same((d) =>
      data(d, [1300, 2])
        .t()
        .matmul(data(d, [1300, 3], 2))
        .div(36),
    );
  });

  it('fills and writes strided windows, NaN and infinities included', () => {
    same((d) => {
      const x = T.zeros([4, 5], { device: d });
      x.t().index('1::2').fill_(Number.NaN);
      x.index(0).fill_(Number.POSITIVE_INFINITY);
      x.index(':', -1).fill_(Number.NEGATIVE_INFINITY);
      x.diagonal().copy_(T.arange(4, { device: d }).float());
      return x;
    });
  });

  it('writes overlapping windows (unfold views) through the host', () => {
    same((d) => {
      const x = T.arange(6, { device: d }).float();
      x.unfold(0, 3, 1).fill_(7);
      const y = T.arange(6, { device: d }).float();
      y.unfold(0, 2, 2).t().mul_(2);
      return [x, y];
    });
  });

  it('sorts stably with NaN largest, both directions', () => {
    const v = [3, Number.NaN, 1, 3, -2, Number.NaN, 1, 0];
    for (const descending of [false, true]) {
      same((d) => {
        const r = T.tensor([v, [...v].reverse()], { device: d }).sort(1, { descending });
        return [r.values, r.indices];
      });
    }
    same((d) => T.tensor([5, 1, 4], { dtype: 'int64', device: d }).argsort());
  });

  it('scatter-reduces every mode, with and without self', () => {
    for (const reduce of ['sum', 'prod', 'mean', 'amax', 'amin'] as const) {
      for (const includeSelf of [true, false]) {
        same((d) =>
          data(d, [3, 4]).scatterReduce(
            1,
            T.tensor(
              [
                [0, 0, 2],
                [3, 3, 3],
                [1, 0, 1],
              ],
              { device: d },
            ),
            data(d, [3, 3], 2),
            reduce,
            { includeSelf },
          ),
        );
      }
    }
    same((d) =>
      T.tensor([[10, 20, 30]], { dtype: 'int64', device: d }).scatterReduce(
        1,
        T.tensor([[0, 0, 2]], { device: d }),
        T.tensor([[1, 2, 4]], { dtype: 'int64', device: d }),
        'mean',
      ),
    );
  });

  it('casts as PyTorch: truncation, uint8 wrap, bool of NaN', () => {
    same((d) => {
      const x = T.tensor([-2.7, -0.5, 0.5, 2.7, 300, -1, Number.NaN, Infinity, -3e9, 3e9], {
        device: d,
      });
      // NaN, infinities and values past the range: PyTorch's -2^31 and -2^63 on both backends.
      return [x.int(), x.long(), x.isnan().logicalNot(), x.bool()];
    });
    same((d) => T.tensor([-1, 256, 300], { dtype: 'int32', device: d }).to('uint8'));
  });

  it('handles empty tensors and reductions over nothing', () => {
    same((d) => [
      T.zeros([0, 3], { device: d }).sum(0),
      T.ones([2, 0], { device: d }).sum(1),
      T.ones([2, 0], { device: d }).prod(1),
      T.zeros([0], { device: d }).add(1),
    ]);
  });

  it('refuses tensors past 2^24 elements, where its float32 indices stop being exact', () => {
    expect(() => T.zeros([2 ** 24 + 1], { device: 'gpu' })).toThrow(/2\^24/);
    const x = T.ones([2 ** 12], { device: 'gpu' });
    expect(() => x.repeat(2 ** 12 + 1)).toThrow(T.ValueError);
    expect(
      T.ones([2 ** 24], { device: 'gpu' })
        .narrow(0, 2 ** 24 - 3, 3)
        .sum()
        .item(),
    ).toBe(3);
  });
});
