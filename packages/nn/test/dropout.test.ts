import '@tensile/autograd';
import { Generator, manualSeed, ones, randn, type Tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import {
  AlphaDropout,
  Dropout,
  Dropout1d,
  Dropout2d,
  Dropout3d,
  F,
  FeatureAlphaDropout,
} from '../src';

const values = (t: Tensor) => Array.from(t.dataSync(), Number);
const fractionZero = (t: Tensor) => values(t).filter((v) => v === 0).length / t.numel();
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(mean(v.map((x) => (x - m) ** 2)));
};

describe('Dropout', () => {
  it('zeroes about p of the elements and keeps the mean by scaling the rest by 1/(1-p)', () => {
    const out = F.dropout(ones([100_000]), { p: 0.3, generator: new Generator(1) });
    expect(fractionZero(out)).toBeCloseTo(0.3, 2);
    expect(mean(values(out))).toBeCloseTo(1, 1);
    const kept = values(out).filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.7)]));
  });

  it('draws the same mask from the same seed', () => {
    const a = F.dropout(ones([64]), { generator: new Generator(7) });
    const b = F.dropout(ones([64]), { generator: new Generator(7) });
    const c = F.dropout(ones([64]), { generator: new Generator(8) });
    expect(values(a)).toEqual(values(b));
    expect(values(a)).not.toEqual(values(c));
    manualSeed(3);
    const d = new Dropout().forward(ones([64]));
    manualSeed(3);
    expect(values(new Dropout().forward(ones([64])))).toEqual(values(d));
  });

  it('passes gradient mask * 1/(1-p)', () => {
    const x = randn([1000], { requiresGrad: true });
    const out = F.dropout(x, { p: 0.25 });
    out.sum().backward();
    const grad = values(x.grad as Tensor);
    values(out).forEach((v, i) => {
      expect(grad[i]).toBeCloseTo(v === 0 ? 0 : 1 / 0.75, 6);
    });
  });

  it('is the identity in eval mode and at p = 0', () => {
    const x = randn([5, 5]);
    expect(new Dropout(0.9).eval().forward(x)).toBe(x);
    expect(F.dropout(x, { p: 0 })).toBe(x);
    expect(F.dropout(x, { p: 0.5, training: false })).toBe(x);
  });

  it('inplace multiplies the input itself', () => {
    const x = ones([1000]);
    const out = new Dropout(0.5, { inplace: true }).forward(x);
    expect(out).toBe(x);
    expect(fractionZero(x)).toBeGreaterThan(0.4);
  });

  it('prints and validates p as PyTorch', () => {
    expect(String(new Dropout())).toBe('Dropout(p=0.5, inplace=False)');
    expect(String(new AlphaDropout(0.2, { inplace: true }))).toBe(
      'AlphaDropout(p=0.2, inplace=True)',
    );
    expect(() => new Dropout(1.5)).toThrow(
      'dropout probability has to be between 0 and 1, but got 1.5',
    );
    expect(() => F.dropout(ones([2]), { p: Number.NaN })).toThrow('dropout probability');
  });
});

/** Each [sample, channel] slice is all zero or all kept (scaled by 1/(1-p) from ones). */
function expectWholeChannels(out: Tensor, channels: number, p: number): number {
  const v = values(out);
  const per = v.length / channels;
  let dropped = 0;
  for (let c = 0; c < channels; c++) {
    const slice = new Set(v.slice(c * per, (c + 1) * per));
    expect(slice.size).toBe(1);
    const only = [...slice][0];
    expect([0, Math.fround(1 / (1 - p))]).toContain(only);
    if (only === 0) dropped++;
  }
  return dropped / channels;
}

describe('channel dropout', () => {
  it('Dropout2d zeroes whole channels of [N, C, H, W] at about rate p', () => {
    const out = new Dropout2d(0.4).forward(ones([50, 40, 3, 3]));
    expect(expectWholeChannels(out, 2000, 0.4)).toBeCloseTo(0.4, 1);
  });

  it('Dropout1d and Dropout2d take input without the batch dim', () => {
    expectWholeChannels(new Dropout1d(0.5).forward(ones([30, 4])), 30, 0.5);
    expectWholeChannels(new Dropout2d(0.5).forward(ones([30, 2, 2])), 30, 0.5);
    expectWholeChannels(new Dropout3d(0.5).forward(ones([2, 30, 2, 2, 2])), 60, 0.5);
  });

  it('refuses input of the wrong rank', () => {
    expect(() => new Dropout2d().forward(ones([2, 3]))).toThrow(
      'dropout2d: Expected 3D or 4D input, but received a 2D input',
    );
  });
});

describe('alpha dropout', () => {
  it('keeps a standard normal input at mean 0 and standard deviation 1', () => {
    manualSeed(11);
    const out = values(F.alphaDropout(randn([200_000]), { p: 0.2, training: true }));
    expect(Math.abs(mean(out))).toBeLessThan(0.02);
    expect(std(out)).toBeCloseTo(1, 1);
  });

  it('is off unless training, like PyTorch', () => {
    const x = randn([4]);
    expect(F.alphaDropout(x, { p: 0.5 })).toBe(x);
    expect(new AlphaDropout(0.5).eval().forward(x)).toBe(x);
  });

  it('FeatureAlphaDropout maps each channel by one affine map', () => {
    const out = values(new FeatureAlphaDropout(0.5).forward(ones([20, 10, 4])));
    for (let c = 0; c < 200; c++) expect(new Set(out.slice(c * 4, c * 4 + 4)).size).toBe(1);
    expect(new Set(out).size).toBe(2);
  });
});
