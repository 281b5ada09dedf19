import '@tensile/autograd';
import { randn } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, RNN } from '../src';

describe('recurrent layers', () => {
  it('keeps the seed shapes: input (3, 2, 4) through RNN(4, 3, 1), LSTM and GRU', () => {
    const x = randn([3, 2, 4]);
    const [out, h] = new RNN(4, 3, 1).forward(x);
    expect(out.shape).toEqual([3, 2, 3]);
    expect(h.shape).toEqual([1, 2, 3]);
    const [lo, [lh, lc]] = new LSTM(4, 3, 1).forward(x);
    expect([lo.shape, lh.shape, lc.shape]).toEqual([
      [3, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    const [go, gh] = new GRU(4, 3, 1).forward(x);
    expect([go.shape, gh.shape]).toEqual([
      [3, 2, 3],
      [1, 2, 3],
    ]);
  });
});
