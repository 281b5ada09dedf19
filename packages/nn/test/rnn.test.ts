import { gradcheck, gradgradcheck } from '@tensile/autograd';
import { cat, manualSeed, randn, type Tensor, tensor, zeros } from '@tensile/tensor';
import { describe, expect, it, vi } from 'vitest';
import {
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  PackedSequence,
  packPaddedSequence,
  packSequence,
  padPackedSequence,
  RNN,
  RNNCell,
  unpadSequence,
} from '../src';

const shapes = (ts: Tensor[]) => ts.map((t) => t.shape);
const close = (a: Tensor, b: Tensor) => expect(a.sub(b).abs().max().item()).toBeLessThan(1e-6);

describe('recurrent layers', () => {
  it('keeps the seed shapes: input (3, 2, 4) through RNN(4, 3, 1), LSTM and GRU', () => {
    const x = randn([3, 2, 4]);
    const [out, h] = new RNN(4, 3, 1).forward(x);
    expect(shapes([out, h])).toEqual([
      [3, 2, 3],
      [1, 2, 3],
    ]);
    const [lo, [lh, lc]] = new LSTM(4, 3, 1).forward(x);
    expect(shapes([lo, lh, lc])).toEqual([
      [3, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    const [go, gh] = new GRU(4, 3, 1).forward(x);
    expect(shapes([go, gh])).toEqual([
      [3, 2, 3],
      [1, 2, 3],
    ]);
  });

  it("registers PyTorch's parameter names, shapes and order", () => {
    const lstm = new LSTM(4, 5, 2, { bidirectional: true, projSize: 3 });
    const layer = (sfx: string, inSize: number) => [
      [`weight_ih_${sfx}`, [20, inSize]],
      [`weight_hh_${sfx}`, [20, 3]],
      [`bias_ih_${sfx}`, [20]],
      [`bias_hh_${sfx}`, [20]],
      [`weight_hr_${sfx}`, [3, 5]],
    ];
    expect(Object.entries(lstm.stateDict()).map(([k, v]) => [k, v.shape])).toEqual([
      ...layer('l0', 4),
      ...layer('l0_reverse', 4),
      ...layer('l1', 6),
      ...layer('l1_reverse', 6),
    ]);
    expect(lstm.allWeights.map((w) => w.length)).toEqual([5, 5, 5, 5]);
    expect(Object.keys(new GRU(4, 3, { bias: false }).stateDict())).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
    ]);
    expect(Object.keys(new LSTMCell(4, 3).stateDict())).toEqual([
      'weight_ih',
      'weight_hh',
      'bias_ih',
      'bias_hh',
    ]);
  });

  it('initializes every weight from U(-1/sqrt(hidden), 1/sqrt(hidden))', () => {
    manualSeed(1);
    for (const m of [new LSTM(8, 16, 2), new GRUCell(8, 16)]) {
      const all = cat([...m.parameters()].map((p) => p.reshape([-1])));
      expect(all.abs().max().item()).toBeLessThanOrEqual(0.25);
      expect(all.max().item()).toBeGreaterThan(0.24);
      expect(all.min().item()).toBeLessThan(-0.24);
      expect(Math.abs(all.mean().item())).toBeLessThan(0.02);
    }
  });

  it('prints its settings as PyTorch does', () => {
    expect(new LSTM(10, 20, { numLayers: 2, batchFirst: true }).toString()).toBe(
      'LSTM(10, 20, num_layers=2, batch_first=True)',
    );
    expect(
      new RNN(4, 3, 2, {
        bias: false,
        batchFirst: true,
        dropout: 0.25,
        bidirectional: true,
        nonlinearity: 'relu',
      }).toString(),
    ).toBe(
      'RNN(4, 3, num_layers=2, bias=False, batch_first=True, dropout=0.25, bidirectional=True)',
    );
    expect(new GRU(4, 3, { numLayers: 2, dropout: 1 }).toString()).toBe(
      'GRU(4, 3, num_layers=2, dropout=1.0)',
    );
    expect(new LSTM(10, 20, { projSize: 5 }).toString()).toBe('LSTM(10, 20, proj_size=5)');
    expect(new RNNCell(3, 4, { bias: false, nonlinearity: 'relu' }).toString()).toBe(
      'RNNCell(3, 4, bias=False, nonlinearity=relu)',
    );
    expect(new GRUCell(3, 4).toString()).toBe('GRUCell(3, 4)');
  });

  it('takes numLayers as the third positional argument or as an option, not both', () => {
    expect(new GRU(4, 3, 2).numLayers).toBe(2);
    expect(new GRU(4, 3, { numLayers: 2 }).numLayers).toBe(2);
    expect(new GRU(4, 3).numLayers).toBe(1);
    expect(() => new GRU(4, 3, 2, { numLayers: 3 })).toThrow(/numLayers both/);
  });

  it('warns when dropout is set on a single layer, as PyTorch', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    new LSTM(4, 3, { dropout: 0.5 });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('non-zero dropout expects'));
    warn.mockRestore();
  });

  it('applies dropout between layers only in training', () => {
    manualSeed(0);
    const lstm = new LSTM(4, 8, { numLayers: 2, dropout: 0.5 });
    const x = randn([5, 3, 4]);
    const [a] = lstm.forward(x);
    const [b] = lstm.forward(x);
    expect(a.sub(b).abs().max().item()).toBeGreaterThan(1e-4);
    lstm.eval();
    close(lstm.forward(x)[0], lstm.forward(x)[0]);
    const plain = new LSTM(4, 8, { numLayers: 2 });
    plain.loadStateDict(lstm.stateDict());
    close(lstm.forward(x)[0], plain.forward(x)[0]);
  });

  it('moves state dicts between layers and keeps working after a dtype change', () => {
    const a = new GRU(4, 3, { numLayers: 2, bidirectional: true });
    const b = new GRU(4, 3, { numLayers: 2, bidirectional: true });
    b.loadStateDict(a.stateDict());
    const x = randn([3, 2, 4]);
    close(a.forward(x)[0], b.forward(x)[0]);
    b.double();
    const [out, h] = b.forward(x.double());
    expect([out.dtype, h.dtype]).toEqual(['float64', 'float64']);
    close(out.float(), a.forward(x)[0]);
  });

  it("LSTM's fused cell has first and second derivatives, over packed sequences too", () => {
    manualSeed(3);
    const lstm = new LSTM(3, 2, { projSize: 0 }).double();
    const opts = { dtype: 'float64' as const, requiresGrad: true };
    const x = randn([4, 3, 3], opts);
    const h0 = randn([1, 3, 2], opts);
    const c0 = randn([1, 3, 2], opts);
    const run = (a: Tensor, h: Tensor, c: Tensor) => {
      const [out, [hN, cN]] = lstm.forward(a, [h, c]);
      // Every output weighted, so that each gradient path counts.
      return out.pow(3).sum().add(hN.mul(2).sum()).add(cN.pow(2).sum());
    };
    expect(gradcheck(run, [x, h0, c0])).toBe(true);
    expect(gradgradcheck(run, [x, h0, c0])).toBe(true);
    const packed = (a: Tensor) => {
      const p = packPaddedSequence(a, [4, 3, 1]);
      return (lstm.forward(p)[0] as PackedSequence).data.pow(2).sum();
    };
    expect(gradcheck(packed, [x])).toBe(true);
    expect(gradgradcheck(packed, [x])).toBe(true);
  });

  it('runs an empty batch, as PyTorch', () => {
    const [out, [h, c]] = new LSTM(4, 3, { bidirectional: true }).forward(zeros([3, 0, 4]));
    expect(shapes([out, h, c])).toEqual([
      [3, 0, 6],
      [2, 0, 3],
      [2, 0, 3],
    ]);
  });

  it('runs unbatched input like a batch of one', () => {
    const lstm = new LSTM(4, 3, { batchFirst: true, numLayers: 2 });
    const x = randn([5, 4]);
    const [out, [h, c]] = lstm.forward(x);
    const [bout, [bh, bc]] = lstm.forward(x.unsqueeze(0));
    expect(shapes([out, h, c])).toEqual([
      [5, 3],
      [2, 3],
      [2, 3],
    ]);
    close(out, bout.squeeze(0));
    close(h, bh.squeeze(1));
    close(c, bc.squeeze(1));
  });
});

describe('packed sequences through the layers', () => {
  const lengths = [2, 5, 3];
  const padded = () => {
    manualSeed(3);
    return randn([5, 3, 4]);
  };

  it('returns a PackedSequence with the input batch sizes and indices', () => {
    const packed = packPaddedSequence(padded(), lengths, { enforceSorted: false });
    const [out, h] = new GRU(4, 6, { bidirectional: true }).forward(packed);
    expect(out).toBeInstanceOf(PackedSequence);
    const p = out as PackedSequence;
    expect(p.data.shape).toEqual([10, 12]);
    expect(p.batchSizes.tolist()).toEqual([3, 3, 2, 1, 1]);
    expect(p.sortedIndices?.tolist()).toEqual([1, 2, 0]);
    expect(p.unsortedIndices?.tolist()).toEqual([2, 0, 1]);
    expect(h.shape).toEqual([2, 3, 6]);
  });

  it('gives each sequence the output and final state of running it alone', () => {
    const lstm = new LSTM(4, 3, { numLayers: 2, bidirectional: true });
    const x = padded();
    const [h0, c0] = [randn([4, 3, 3]), randn([4, 3, 3])];
    const packed = packPaddedSequence(x, lengths, { enforceSorted: false });
    const [out, [h, c]] = lstm.forward(packed, [h0, c0]);
    const [outPadded] = padPackedSequence(out as PackedSequence);
    const perSequence = unpadSequence(outPadded, lengths);
    lengths.forEach((len, b) => {
      const alone = x.narrow(0, 0, len).select(1, b);
      const [o, [hb, cb]] = lstm.forward(alone, [h0.select(1, b), c0.select(1, b)]);
      close(perSequence[b], o);
      close(h.select(1, b), hb);
      close(c.select(1, b), cb);
    });
  });

  it('pads the output with zeros past each length', () => {
    const rnn = new RNN(4, 3);
    const [out] = rnn.forward(packPaddedSequence(padded(), lengths, { enforceSorted: false }));
    const [outPadded, lens] = padPackedSequence(out as PackedSequence, { batchFirst: true });
    expect(outPadded.shape).toEqual([3, 5, 3]);
    expect(lens.tolist()).toEqual(lengths);
    expect(outPadded.select(0, 0).narrow(0, 2, 3).abs().sum().item()).toBe(0);
  });
});

describe('PackedSequence', () => {
  const packed = packSequence([tensor([1, 2, 3]), tensor([4, 5]), tensor([6])]);

  it('packs by time step, as pack_sequence', () => {
    expect(packed.data.tolist()).toEqual([1, 4, 6, 2, 5, 3]);
    expect(packed.batchSizes.tolist()).toEqual([3, 2, 1]);
    expect([packed.sortedIndices, packed.unsortedIndices]).toEqual([null, null]);
  });

  it('destructures like the named tuple and prints like PyTorch', () => {
    const [data, batchSizes, sorted] = packed;
    expect([data, batchSizes, sorted]).toEqual([packed.data, packed.batchSizes, null]);
    expect(packed.toString()).toBe(
      'PackedSequence(data=tensor([1, 4, 6, 2, 5, 3]), batch_sizes=tensor([3, 2, 1]), sorted_indices=None, unsorted_indices=None)',
    );
  });

  it('casts its data and keeps its indices', () => {
    const p = packPaddedSequence(zeros([2, 2, 1]), [1, 2], { enforceSorted: false });
    const d = p.double();
    expect(d.data.dtype).toBe('float64');
    expect([d.batchSizes, d.sortedIndices, d.unsortedIndices]).toEqual([
      p.batchSizes,
      p.sortedIndices,
      p.unsortedIndices,
    ]);
    expect(p.float()).toBe(p);
  });
});

describe('cells', () => {
  it('start from zero states when none are given', () => {
    const x = randn([2, 4]);
    const cell = new LSTMCell(4, 3);
    const [h, c] = cell.forward(x);
    const [h2, c2] = cell.forward(x, [zeros([2, 3]), zeros([2, 3])]);
    close(h, h2);
    close(c, c2);
    const rnn = new RNNCell(4, 3);
    close(rnn.forward(x), rnn.forward(x, zeros([2, 3])));
  });

  it('rejects an unknown nonlinearity', () => {
    expect(() => new RNNCell(4, 3, { nonlinearity: 'gelu' as 'relu' })).toThrow(
      'Unknown nonlinearity: gelu',
    );
  });
});
