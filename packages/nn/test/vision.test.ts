import '@tensile/autograd';
import { arange, randn, type Tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import {
  ConstantPad1d,
  ConstantPad2d,
  F,
  PixelShuffle,
  PixelUnshuffle,
  ReflectionPad2d,
  ReplicationPad1d,
  Upsample,
  UpsamplingBilinear2d,
  UpsamplingNearest2d,
  ZeroPad2d,
} from '../src';

const values = (t: Tensor) => Array.from(t.dataSync(), Number);
const row = (n: number) => arange(n).float().reshape([1, 1, n]);

describe('F.pad', () => {
  it('pads the last dim first, in each mode', () => {
    const x = row(4);
    expect(values(F.pad(x, [2, 1]))).toEqual([0, 0, 0, 1, 2, 3, 0]);
    expect(values(F.pad(x, [2, 1], { value: -1 }))).toEqual([-1, -1, 0, 1, 2, 3, -1]);
    expect(values(F.pad(x, [2, 1], { mode: 'reflect' }))).toEqual([2, 1, 0, 1, 2, 3, 2]);
    expect(values(F.pad(x, [2, 1], { mode: 'replicate' }))).toEqual([0, 0, 0, 1, 2, 3, 3]);
    expect(values(F.pad(x, [2, 1], { mode: 'circular' }))).toEqual([2, 3, 0, 1, 2, 3, 0]);
  });

  it('crops with negative amounts', () => {
    expect(values(F.pad(row(5), [-1, -2]))).toEqual([1, 2]);
    expect(F.pad(randn([2, 3, 4]), [0, 0, -1, 1]).shape).toEqual([2, 3, 4]);
  });

  it('sums the gradient of every copy into its source', () => {
    const x = row(3).requiresGrad_();
    F.pad(x, [2, 2], { mode: 'replicate' }).sum().backward();
    expect(values(x.grad as Tensor)).toEqual([3, 1, 3]);
  });
});

describe('padding layers', () => {
  it('expand one amount to every side and print as PyTorch', () => {
    expect(new ZeroPad2d(1).padding).toEqual([1, 1, 1, 1]);
    expect(String(new ZeroPad2d(1))).toBe('ZeroPad2d((1, 1, 1, 1))');
    expect(String(new ReflectionPad2d([1, 0, 2, 0]))).toBe('ReflectionPad2d((1, 0, 2, 0))');
    expect(String(new ConstantPad1d(2, 3.5))).toBe('ConstantPad1d(padding=(2, 2), value=3.5)');
    expect(String(new ConstantPad2d(1, 0))).toBe('ConstantPad2d(padding=(1, 1, 1, 1), value=0.0)');
  });

  it('pad in their mode', () => {
    expect(values(new ReplicationPad1d([1, 2]).forward(row(2)))).toEqual([0, 0, 1, 1, 1]);
    expect(new ZeroPad2d([1, 0, 2, 0]).forward(randn([1, 1, 3, 3])).shape).toEqual([1, 1, 5, 4]);
  });
});

describe('F.interpolate and Upsample', () => {
  it('nearest repeats each element; bilinear with alignCorners keeps the corners', () => {
    expect(values(F.interpolate(row(3), { scaleFactor: 2 }))).toEqual([0, 0, 1, 1, 2, 2]);
    const x = arange(4).float().reshape([1, 1, 2, 2]);
    const up = F.interpolate(x, { size: [3, 3], mode: 'bilinear', alignCorners: true });
    expect(values(up)).toEqual([0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3]);
  });

  it('is the identity at the input size for the interpolating modes', () => {
    const x = randn([1, 2, 3, 4]);
    for (const mode of ['nearest', 'bilinear', 'bicubic', 'area'] as const)
      expect(F.interpolate(x, { size: [3, 4], mode }).allclose(x, { atol: 1e-6 })).toBe(true);
  });

  it('print as PyTorch', () => {
    expect(String(new Upsample({ scaleFactor: 2 }))).toBe(
      'Upsample(scale_factor=2.0, mode=nearest)',
    );
    expect(String(new Upsample({ size: [3, 4], mode: 'bilinear' }))).toBe(
      'Upsample(size=(3, 4), mode=bilinear)',
    );
    expect(String(new UpsamplingBilinear2d({ scaleFactor: 2 }))).toBe(
      'UpsamplingBilinear2d(scale_factor=2.0, mode=bilinear)',
    );
    expect(String(new UpsamplingNearest2d({ size: 4 }))).toBe(
      'UpsamplingNearest2d(size=4, mode=nearest)',
    );
  });

  it('UpsamplingBilinear2d aligns the corners', () => {
    const x = randn([1, 1, 2, 3]);
    const a = new UpsamplingBilinear2d({ size: [4, 5] }).forward(x);
    const b = F.interpolate(x, { size: [4, 5], mode: 'bilinear', alignCorners: true });
    expect(values(a)).toEqual(values(b));
  });
});

describe('pixel shuffle', () => {
  it('PixelUnshuffle undoes PixelShuffle, and both print their factor', () => {
    const x = randn([2, 3, 8, 4, 6]);
    const down = new PixelUnshuffle(2).forward(x);
    expect(down.shape).toEqual([2, 3, 32, 2, 3]);
    expect(values(new PixelShuffle(2).forward(down))).toEqual(values(x));
    expect(String(new PixelShuffle(3))).toBe('PixelShuffle(upscale_factor=3)');
    expect(String(new PixelUnshuffle(2))).toBe('PixelUnshuffle(downscale_factor=2)');
  });

  it('moves channel c*r*r + i*r + j to pixel (h*r + i, w*r + j)', () => {
    const out = F.pixelShuffle(arange(4).float().reshape([1, 4, 1, 1]), 2);
    expect(values(out)).toEqual([0, 1, 2, 3]);
    expect(out.shape).toEqual([1, 1, 2, 2]);
  });
});
