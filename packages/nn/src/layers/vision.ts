import type { Tensor } from '@tensile/tensor';
import * as F from '../functional/vision';
import { Module } from '../module';
import { pyFloat, pyTuple } from './options';

/**
 * What the padding layers share (PyTorch's _ConstantPadNd, _ReflectionPadNd, ...): `padding`
 * is one amount for every side or one per side, last dim first, as F.pad takes it.
 */
abstract class PadNd extends Module {
  readonly padding: readonly number[];

  constructor(
    padding: number | readonly number[],
    dims: number,
    readonly mode: F.PadMode,
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

/** Pads the last 2 dims with a constant: padding (left, right, top, bottom) (torch.nn.ConstantPad2d). */
export class ConstantPad2d extends ConstantPadNd {
  constructor(padding: number | readonly [number, number, number, number], value: number) {
    super(padding, 2, 'constant', value);
  }
}

/** Pads the last 3 dims with a constant (torch.nn.ConstantPad3d). */
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

/** Mirrors the last 3 dims at their edges (torch.nn.ReflectionPad3d). */
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

/** Repeats the edge values of the last 3 dims (torch.nn.ReplicationPad3d). */
export class ReplicationPad3d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super(padding, 3, 'replicate');
  }
}

export type UpsampleOptions = F.InterpolateOptions;

/** Resizes the spatial dims with F.interpolate (torch.nn.Upsample); mode 'nearest' by default. */
export class Upsample extends Module {
  readonly size?: number | readonly number[];
  readonly scaleFactor?: number | readonly number[];
  readonly mode: F.InterpolateMode;
  readonly alignCorners?: boolean;
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

export type FixedUpsampleOptions = Pick<F.InterpolateOptions, 'size' | 'scaleFactor'>;

/** Nearest-neighbour upsampling of [N, C, H, W] input (torch.nn.UpsamplingNearest2d). */
export class UpsamplingNearest2d extends Upsample {
  constructor(opts: FixedUpsampleOptions = {}) {
    super({ ...opts, mode: 'nearest' });
  }
}

/** Bilinear upsampling with alignCorners (torch.nn.UpsamplingBilinear2d). */
export class UpsamplingBilinear2d extends Upsample {
  constructor(opts: FixedUpsampleOptions = {}) {
    super({ ...opts, mode: 'bilinear', alignCorners: true });
  }
}

/** [*, C*r*r, H, W] -> [*, C, H*r, W*r] (torch.nn.PixelShuffle). */
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

/** [*, C, H*r, W*r] -> [*, C*r*r, H, W] (torch.nn.PixelUnshuffle). */
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
