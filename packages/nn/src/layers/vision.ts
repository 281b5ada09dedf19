import type { Tensor } from '@tensile/tensor';
import * as F from '../functional/vision';
import { Module } from '../module';
import { pyFloat, pyTuple } from './options';

/**
 * What the padding layers share (PyTorch's _ConstantPadNd, _ReflectionPadNd, ...): `padding`
 * is one amount for every side or one per side, last dim first, as F.pad takes it.
 */
abstract class PadNd extends Module {
  /** Amounts per side, last dim first: (left, right, top, bottom, front, back). */
  readonly padding: readonly number[];

  constructor(
    padding: number | readonly number[],
    dims: number,
    /** How the padding is filled. */
    readonly mode: F.PadMode,
    /** The fill value of constant padding. */
    readonly value = 0,
  ) {
    super();
    this.padding = typeof padding === 'number' ? Array(2 * dims).fill(padding) : [...padding];
  }

  override forward(input: Tensor): Tensor {
    return F.pad(input, this.padding, { mode: this.mode, value: this.value });
  }

  override extraRepr(): string {
    return pyTuple(this.padding);
  }
}

abstract class ConstantPadNd extends PadNd {
  override extraRepr(): string {
    return `padding=${pyTuple(this.padding)}, value=${pyFloat(this.value)}`;
  }
}

/** Pads the last dim with a constant: padding (left, right) (torch.nn.ConstantPad1d). */
export class ConstantPad1d extends ConstantPadNd {
  constructor(padding: number | readonly [number, number], value: number) {
    super(padding, 1, 'constant', value);
  }
}

/**
 * Pads the last 2 dims with a constant: padding (left, right, top, bottom)
 * (torch.nn.ConstantPad2d).
 */
export class ConstantPad2d extends ConstantPadNd {
  constructor(padding: number | readonly [number, number, number, number], value: number) {
    super(padding, 2, 'constant', value);
  }
}

/**
 * Pads the last 3 dims with a constant: padding (left, right, top, bottom, front, back)
 * (torch.nn.ConstantPad3d).
 */
export class ConstantPad3d extends ConstantPadNd {
  constructor(padding: number | readonly number[], value: number) {
    super(padding, 3, 'constant', value);
  }
}

/** Pads the last 2 dims with zeros: padding (left, right, top, bottom) (torch.nn.ZeroPad2d). */
export class ZeroPad2d extends PadNd {
  constructor(padding: number | readonly [number, number, number, number]) {
    super(padding, 2, 'constant');
  }
}

/** Mirrors the last dim at its edges, without repeating them (torch.nn.ReflectionPad1d). */
export class ReflectionPad1d extends PadNd {
  constructor(padding: number | readonly [number, number]) {
    super(padding, 1, 'reflect');
  }
}

/** Mirrors the last 2 dims at their edges (torch.nn.ReflectionPad2d). */
export class ReflectionPad2d extends PadNd {
  constructor(padding: number | readonly [number, number, number, number]) {
    super(padding, 2, 'reflect');
  }
}

/**
 * Mirrors the last 3 dims at their edges: padding (left, right, top, bottom, front, back)
 * (torch.nn.ReflectionPad3d).
 */
export class ReflectionPad3d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super(padding, 3, 'reflect');
  }
}

/** Repeats the edge values of the last dim (torch.nn.ReplicationPad1d). */
export class ReplicationPad1d extends PadNd {
  constructor(padding: number | readonly [number, number]) {
    super(padding, 1, 'replicate');
  }
}

/** Repeats the edge values of the last 2 dims (torch.nn.ReplicationPad2d). */
export class ReplicationPad2d extends PadNd {
  constructor(padding: number | readonly [number, number, number, number]) {
    super(padding, 2, 'replicate');
  }
}

/**
 * Repeats the edge values of the last 3 dims: padding (left, right, top, bottom, front, back)
 * (torch.nn.ReplicationPad3d).
 */
export class ReplicationPad3d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super(padding, 3, 'replicate');
  }
}

/**
 * Options of Upsample: F.interpolate's (size or scaleFactor, mode, alignCorners,
 * recomputeScaleFactor).
 */
export type UpsampleOptions = F.InterpolateOptions;

/**
 * Resizes the spatial dims with F.interpolate (torch.nn.Upsample): [N, C, *in] -> [N, C, *out]
 * for 3- to 5-D input; mode 'nearest' by default. Give `size` or `scaleFactor`.
 */
export class Upsample extends Module {
  /** The output spatial size, when given instead of scaleFactor. */
  readonly size?: number | readonly number[];
  /** The spatial sizes' multiplier, when given instead of size. */
  readonly scaleFactor?: number | readonly number[];
  /** The resampling mode (default 'nearest'). */
  readonly mode: F.InterpolateMode;
  /** For the interpolating modes: map the corner pixels' centers onto each other. */
  readonly alignCorners?: boolean;
  /** Compute the output size from scaleFactor, then resample as if that size had been given. */
  readonly recomputeScaleFactor?: boolean;

  constructor(opts: UpsampleOptions = {}) {
    super();
    this.size = opts.size;
    this.scaleFactor = opts.scaleFactor;
    this.mode = opts.mode ?? 'nearest';
    this.alignCorners = opts.alignCorners;
    this.recomputeScaleFactor = opts.recomputeScaleFactor;
  }

  override forward(input: Tensor): Tensor {
    return F.interpolate(input, {
      size: this.size,
      scaleFactor: this.scaleFactor,
      mode: this.mode,
      alignCorners: this.alignCorners,
      recomputeScaleFactor: this.recomputeScaleFactor,
    });
  }

  override extraRepr(): string {
    const fmt = (v: number | readonly number[], f: (n: number) => string) =>
      typeof v === 'number' ? f(v) : `(${v.map(f).join(', ')})`;
    const info =
      this.scaleFactor !== undefined
        ? `scale_factor=${fmt(this.scaleFactor, pyFloat)}`
        : `size=${fmt(this.size ?? [], String)}`;
    return `${info}, mode=${this.mode}`;
  }
}

/**
 * Options of UpsamplingNearest2d and UpsamplingBilinear2d: size or scaleFactor, the mode being
 * fixed.
 */
export type FixedUpsampleOptions = Pick<F.InterpolateOptions, 'size' | 'scaleFactor'>;

/**
 * Nearest-neighbour upsampling of [N, C, H, W] input (torch.nn.UpsamplingNearest2d, deprecated
 * there in favour of Upsample).
 */
export class UpsamplingNearest2d extends Upsample {
  constructor(opts: FixedUpsampleOptions = {}) {
    super({ ...opts, mode: 'nearest' });
  }
}

/**
 * Bilinear upsampling of [N, C, H, W] input with alignCorners true (torch.nn.UpsamplingBilinear2d):
 * not the same as Upsample({ mode: 'bilinear' }), whose alignCorners is false.
 */
export class UpsamplingBilinear2d extends Upsample {
  constructor(opts: FixedUpsampleOptions = {}) {
    super({ ...opts, mode: 'bilinear', alignCorners: true });
  }
}

/** [*, C*r*r, H, W] -> [*, C, H*r, W*r], r = upscaleFactor (torch.nn.PixelShuffle). */
export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.pixelShuffle(input, this.upscaleFactor);
  }

  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/** [*, C, H*r, W*r] -> [*, C*r*r, H, W], r = downscaleFactor (torch.nn.PixelUnshuffle). */
export class PixelUnshuffle extends Module {
  constructor(readonly downscaleFactor: number) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.pixelUnshuffle(input, this.downscaleFactor);
  }

  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}
