import { gradcheck, gradgradcheck } from '@tensile/autograd';
import { arange, noGrad, ones, randn, type Tensor, tensor, zeros } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  BatchNorm2d,
  F,
  GroupNorm,
  InstanceNorm1d,
  InstanceNorm2d,
  LayerNorm,
  LocalResponseNorm,
  Sequential,
} from '../src';

const values = (t: Tensor | null) => Array.from(t?.dataSync() ?? [], Number);

describe('BatchNorm', () => {
  it('loads a state dict without num_batches_tracked strictly, counting from 0 (issue 20)', () => {
    // As torch 1.13: load_state_dict of a plain dict without the key matches every key and
    // sets num_batches_tracked to 0.
    const net = new Sequential(
      new BatchNorm2d(3),
      new BatchNorm2d(3, { trackRunningStats: false }),
    );
    noGrad(() => net.forward(randn([4, 3, 2, 2])));
    const bn = net.at(0) as BatchNorm2d;
    expect(values(bn.numBatchesTracked)).toEqual([1]);
    const { '0.num_batches_tracked': _, ...old } = net.stateDict();
    expect(net.loadStateDict(old)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(values(bn.numBatchesTracked)).toEqual([0]);
    expect(() => net.loadStateDict({ ...old, '1.num_batches_tracked': tensor(0) })).toThrow(
      /Unexpected key\(s\) in state_dict: "1.num_batches_tracked"/,
    );
    const { '0.running_mean': __, ...noMean } = old;
    expect(() => net.loadStateDict(noMean)).toThrow(
      /Missing key\(s\) in state_dict: "0.running_mean"/,
    );
  });

  it('registers PyTorch-named parameters and buffers, with camelCase getters', () => {
    const bn = new BatchNorm2d(3);
    expect(Object.keys(bn.stateDict())).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    expect(values(bn.runningMean)).toEqual([0, 0, 0]);
    expect(values(bn.runningVar)).toEqual([1, 1, 1]);
    expect(bn.numBatchesTracked?.dtype).toBe('int64');
    expect(bn.numBatchesTracked?.shape).toEqual([]);
    expect([...bn.parameters()]).toHaveLength(2);
  });

  it('prints its settings as PyTorch does', () => {
    expect(String(new BatchNorm2d(16))).toBe(
      'BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
    );
    expect(
      String(
        new BatchNorm1d(4, { eps: 0.001, momentum: null, affine: false, trackRunningStats: false }),
      ),
    ).toBe('BatchNorm1d(4, eps=0.001, momentum=None, affine=False, track_running_stats=False)');
  });

  it('counts training batches and leaves the statistics alone in eval mode', () => {
    const bn = new BatchNorm1d(2);
    const x = tensor(
      [
        [1, 10],
        [3, 30],
      ],
      { dtype: 'float32' },
    );
    bn.forward(x);
    bn.forward(x);
    expect(bn.numBatchesTracked?.item()).toBe(2);
    // mean [2, 20], unbiased var [2, 200]: two steps of momentum 0.1 from (0, 1).
    expect(values(bn.runningMean)).toEqual([2 * 0.19, 20 * 0.19].map(Math.fround));
    bn.eval();
    const before = values(bn.runningVar);
    bn.forward(x);
    expect(values(bn.runningVar)).toEqual(before);
    expect(bn.numBatchesTracked?.item()).toBe(2);
  });

  it('with momentum null keeps the plain average of every batch so far', () => {
    const bn = new BatchNorm1d(1, { momentum: null });
    for (const m of [2, 4, 9]) bn.forward(tensor([[m - 1], [m + 1]], { dtype: 'float32' }));
    expect(values(bn.runningMean)[0]).toBeCloseTo(5, 6);
  });

  it('without running statistics normalizes with the batch in eval mode too', () => {
    const bn = new BatchNorm1d(2, { trackRunningStats: false }).eval();
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias']);
    expect(bn.runningMean).toBeNull();
    const out = bn.forward(randn([8, 2]).mul(5).add(3));
    expect(Math.abs(out.mean().item())).toBeLessThan(1e-5);
  });

  it('reset restores the initial statistics and affine parameters', () => {
    const bn = new BatchNorm1d(2);
    bn.forward(randn([4, 2]));
    noGrad(() => bn.weight?.fill_(3));
    bn.resetParameters();
    expect(values(bn.runningMean)).toEqual([0, 0]);
    expect(values(bn.runningVar)).toEqual([1, 1]);
    expect(bn.numBatchesTracked?.item()).toBe(0);
    expect(values(bn.weight)).toEqual([1, 1]);
  });

  it('to(float64) casts the statistics but keeps the counter an integer', () => {
    const bn = new BatchNorm2d(2).to('float64');
    expect(bn.runningMean?.dtype).toBe('float64');
    expect(bn.weight?.dtype).toBe('float64');
    expect(bn.numBatchesTracked?.dtype).toBe('int64');
    expect(bn.forward(randn([2, 2, 2, 2], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('trains inside a Sequential: gradients reach weight and bias', () => {
    const net = new Sequential(new BatchNorm2d(2));
    net
      .forward(randn([3, 2, 2, 2]))
      .pow(2)
      .sum()
      .backward();
    for (const p of net.parameters()) expect(p.grad?.shape).toEqual([2]);
  });

  it('training mode is one fused op (NativeBatchNormBackward0) with first and second derivatives', () => {
    const opts = { dtype: 'float64' as const, requiresGrad: true };
    const x = randn([3, 2, 2, 3], opts);
    const weight = randn([2], opts);
    const bias = randn([2], opts);
    const bn = (a: Tensor, w: Tensor, b: Tensor) =>
      F.batchNorm(a, null, null, { training: true, weight: w, bias: b });
    expect(bn(x, weight, bias).gradFn?.name).toBe('NativeBatchNormBackward0');
    // The output's gradient is weighted, or the sums of x̂ over each channel (0) hide errors.
    const loss = (a: Tensor, w: Tensor, b: Tensor) => bn(a, w, b).pow(3).sum();
    expect(gradcheck(loss, [x, weight, bias])).toBe(true);
    expect(gradgradcheck(bn, [x, weight, bias])).toBe(true);
  });

  it('names the layer, the channel count and the shape on a mismatch', () => {
    expect(() => new BatchNorm2d(16).forward(zeros([2, 3, 4, 4]))).toThrow(
      'BatchNorm2d(16): expected input with 16 channels, got input of shape [2, 3, 4, 4]',
    );
    expect(() => new BatchNorm2d(3).forward(zeros([2, 3, 4]))).toThrow(
      'expected 4D input (got 3D input)',
    );
    expect(() => F.batchNorm(zeros([2, 3]), zeros([4]), ones([4]))).toThrow(
      'running_mean should contain 3 elements not 4',
    );
  });
});

describe('InstanceNorm', () => {
  it('defaults to no parameters and no statistics', () => {
    const m = new InstanceNorm2d(3);
    expect(Object.keys(m.stateDict())).toEqual([]);
    expect(String(m)).toBe(
      'InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)',
    );
  });

  it('standardizes each channel of each sample', () => {
    const x = randn([2, 3, 10]).mul(4).add(7);
    const out = new InstanceNorm1d(3).forward(x);
    const mean = out.mean(2);
    const variance = out.var(2, { correction: 0 });
    for (const v of values(mean)) expect(Math.abs(v)).toBeLessThan(1e-5);
    for (const v of values(variance)) expect(v).toBeCloseTo(1, 3);
  });

  it('refuses a null momentum, as PyTorch does', () => {
    expect(() => new InstanceNorm1d(3, { momentum: null })).toThrow('momentum');
  });
});

describe('LayerNorm, GroupNorm, LocalResponseNorm', () => {
  it('print as PyTorch', () => {
    expect(String(new LayerNorm(4))).toBe('LayerNorm((4,), eps=1e-05, elementwise_affine=True)');
    expect(String(new LayerNorm([2, 3], { eps: 1e-6 }))).toBe(
      'LayerNorm((2, 3), eps=1e-06, elementwise_affine=True)',
    );
    expect(String(new GroupNorm(2, 4))).toBe('GroupNorm(2, 4, eps=1e-05, affine=True)');
    expect(String(new LocalResponseNorm(2))).toBe(
      'LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)',
    );
  });

  it('LayerNorm has weight and bias of normalizedShape', () => {
    const ln = new LayerNorm([2, 3]);
    expect(ln.weight?.shape).toEqual([2, 3]);
    expect(new LayerNorm(3, { elementwiseAffine: false }).weight).toBeNull();
  });

  it('GroupNorm with one channel per group is InstanceNorm', () => {
    const x = arange(24).reshape([2, 3, 4]).float().square();
    const a = new GroupNorm(3, 3, { affine: false }).forward(x);
    const b = new InstanceNorm1d(3).forward(x);
    expect(a.allclose(b, { atol: 1e-6 })).toBe(true);
  });

  it('GroupNorm refuses channels that do not split into the groups', () => {
    expect(() => new GroupNorm(2, 3)).toThrow('num_channels must be divisible by num_groups');
  });
});

describe('F.normalize', () => {
  it('divides by the p-norm along dim, at least eps', () => {
    const x = tensor([3, 4, 0, 0], { dtype: 'float32' }).reshape([2, 2]);
    const out = F.normalize(x, { dim: 1 });
    expect(values(out)).toEqual([0.6, 0.8, 0, 0].map(Math.fround));
  });
});
