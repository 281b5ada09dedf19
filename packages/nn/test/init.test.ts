import '@tensile/autograd';
import { empty, manualSeed, randn } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { F, init } from '../src';

describe('init', () => {
  it('calculateGain matches torch.nn.init.calculate_gain', () => {
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(init.calculateGain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(init.calculateGain('conv2d')).toBe(1);
  });

  it('fan in/out count the receptive field', () => {
    expect(init.calculateFanInAndFanOut(empty([16, 6, 5, 5]))).toEqual([150, 400]);
    expect(() => init.calculateFanInAndFanOut(empty([3]))).toThrow(/fewer than 2 dimensions/);
  });

  it('kaiming and xavier draw with the documented bounds and spreads', () => {
    manualSeed(1);
    const w = init.kaimingUniform_(empty([256, 512]), { nonlinearity: 'relu' });
    const bound = Math.SQRT2 * Math.sqrt(3 / 512);
    expect(w.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(w.std().item()).toBeCloseTo(Math.SQRT2 / Math.sqrt(512), 3);
    const n = init.kaimingNormal_(empty([256, 512]), { mode: 'fan_out' });
    expect(n.std().item()).toBeCloseTo(Math.SQRT2 / Math.sqrt(256), 3);
    const x = init.xavierNormal_(empty([300, 500]), { gain: 2 });
    expect(x.std().item()).toBeCloseTo(2 * Math.sqrt(2 / 800), 3);
    const u = init.xavierUniform_(empty([300, 500]));
    expect(u.abs().max().item()).toBeLessThanOrEqual(Math.sqrt(6 / 800));
  });

  it('orthogonal_ gives orthonormal rows or columns, scaled by gain', () => {
    const wide = init.orthogonal_(empty([3, 7]));
    expect(
      wide
        .matmul(wide.t())
        .sub(init.eye_(empty([3, 3])))
        .abs()
        .max()
        .item(),
    ).toBeLessThan(1e-5);
    const tall = init.orthogonal_(empty([6, 2, 2]), { gain: 3 }).reshape([6, 4]);
    expect(
      tall
        .t()
        .matmul(tall)
        .div(9)
        .sub(init.eye_(empty([4, 4])))
        .abs()
        .max()
        .item(),
    ).toBeLessThan(1e-5);
  });

  it('truncNormal_ stays inside [a, b]', () => {
    const t = init.truncNormal_(empty([10000]), { mean: 0, std: 1, a: -0.5, b: 1 });
    expect(t.min().item()).toBeGreaterThanOrEqual(-0.5);
    expect(t.max().item()).toBeLessThanOrEqual(1);
  });

  it('dirac_ makes a convolution that returns its input', () => {
    const x = randn([2, 3, 5, 5]);
    const w = init.dirac_(empty([3, 3, 3, 3]));
    expect(F.conv2d(x, w, null, { padding: 1 }).sub(x).abs().max().item()).toBeLessThan(1e-6);
  });

  it('constant_, zeros_, ones_ fill in place and return the tensor', () => {
    const t = empty([2, 2]);
    expect(init.constant_(t, 0.5)).toBe(t);
    expect(t.tolist()).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    expect(init.ones_(t).sum().item()).toBe(4);
    expect(init.zeros_(t).sum().item()).toBe(0);
  });
});
