import type { Tensor, ValuesIndices } from '@tensile/tensor';
import { type IntOrPair, ntuple } from '../functional/conv';
import * as F from '../functional/pooling';
import * as U from '../functional/unpool';
import { Module } from '../module';
import { pyBool, pySize, pyTuple } from './options';

/** Options of MaxPool1d and MaxPool2d: F.MaxPoolOptions plus `returnIndices`. */
export interface MaxPoolLayerOptions extends F.MaxPoolOptions {
  /** Make forward return [output, indices] for MaxUnpool (default false). */
  returnIndices?: boolean;
}

abstract class MaxPoolNd extends Module {
  /** Step between windows (the kernel size unless given). */
  readonly stride: IntOrPair;
  /** Implicit -infinity on both sides of each spatial dim. */
  readonly padding: IntOrPair;
  /** Spacing between the elements of a window. */
  readonly dilation: IntOrPair;
  /** Whether forward returns [output, indices]. */
  readonly returnIndices: boolean;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;

  constructor(
    readonly kernelSize: IntOrPair,
    opts: MaxPoolLayerOptions,
  ) {
    super();
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.returnIndices = opts.returnIndices ?? false;
    this.ceilMode = opts.ceilMode ?? false;
  }

  protected options(): F.MaxPoolOptions {
    return {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    };
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}, dilation=${pySize(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * torch.nn.MaxPool2d: [N, C, H, W] (or [C, H, W]) -> [N, C, H', W'], each window's maximum; see
 * F.maxPool2d for H'. With returnIndices, forward returns [output, indices] (forward's type is
 * the union, so narrow it), the indices as MaxUnpool2d takes them.
 */
export class MaxPool2d extends MaxPoolNd {
  constructor(kernelSize: IntOrPair, opts: MaxPoolLayerOptions = {}) {
    super(kernelSize, opts);
  }

  override forward(input: Tensor): Tensor | ValuesIndices {
    return this.returnIndices
      ? F.maxPool2dWithIndices(input, this.kernelSize, this.options())
      : F.maxPool2d(input, this.kernelSize, this.options());
  }
}

/**
 * torch.nn.MaxPool1d: [N, C, L] (or [C, L]) -> [N, C, L'], each window's maximum. With
 * returnIndices, forward returns [output, indices] (narrow its union type).
 */
export class MaxPool1d extends MaxPoolNd {
  constructor(kernelSize: IntOrPair, opts: MaxPoolLayerOptions = {}) {
    super(kernelSize, opts);
  }

  override forward(input: Tensor): Tensor | ValuesIndices {
    return this.returnIndices
      ? F.maxPool1dWithIndices(input, this.kernelSize, this.options())
      : F.maxPool1d(input, this.kernelSize, this.options());
  }
}

abstract class AvgPoolNd extends Module {
  /** Step between windows (the kernel size unless given). */
  readonly stride: IntOrPair;
  /** Implicit zeros on both sides of each spatial dim. */
  readonly padding: IntOrPair;
  /** Whether the output size rounds up. */
  readonly ceilMode: boolean;
  /** Whether the padding zeros count in each window's divisor (default true). */
  readonly countIncludePad: boolean;
  /** A fixed divisor for every window, or null for the window's size. */
  readonly divisorOverride: number | null;

  constructor(
    readonly kernelSize: IntOrPair,
    opts: F.AvgPoolOptions,
  ) {
    super();
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }

  protected options(): F.AvgPoolOptions {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this;
    return { stride, padding, ceilMode, countIncludePad, divisorOverride };
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}`;
  }
}

/**
 * torch.nn.AvgPool2d: [N, C, H, W] (or [C, H, W]) -> [N, C, H', W'], each window's mean; see
 * F.avgPool2d and F.AvgPoolOptions.
 */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: IntOrPair, opts: F.AvgPoolOptions = {}) {
    super(kernelSize, opts);
  }

  override forward(input: Tensor): Tensor {
    return F.avgPool2d(input, this.kernelSize, this.options());
  }
}

/**
 * torch.nn.AvgPool1d: [N, C, L] (or [C, L]) -> [N, C, L'], each window's mean. No divisorOverride,
 * as in PyTorch.
 */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: IntOrPair, opts: Omit<F.AvgPoolOptions, 'divisorOverride'> = {}) {
    super(kernelSize, opts);
  }

  override forward(input: Tensor): Tensor {
    return F.avgPool1d(input, this.kernelSize, this.options());
  }
}

type OutputSize = IntOrPair | readonly (number | null)[];

abstract class AdaptivePool extends Module {
  constructor(readonly outputSize: OutputSize) {
    super();
  }

  override extraRepr(): string {
    return `output_size=${pySize(this.outputSize)}`;
  }
}

/**
 * torch.nn.AdaptiveAvgPool2d: [N, C, H, W] (or [C, H, W]) -> [N, C, oh, ow] whatever H and W;
 * outputSize is one int or [oh, ow], null keeping that input dim. AdaptiveAvgPool2d(1) is global
 * average pooling.
 */
export class AdaptiveAvgPool2d extends AdaptivePool {
  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }
}

/** torch.nn.AdaptiveAvgPool1d: [N, C, L] (or [C, L]) -> [N, C, outputSize] whatever L. */
export class AdaptiveAvgPool1d extends AdaptivePool {
  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool1d(input, this.outputSize as IntOrPair);
  }
}

abstract class AdaptiveMaxPool extends AdaptivePool {
  constructor(
    outputSize: OutputSize,
    /** Make forward return [output, indices] (default false). */
    readonly returnIndices = false,
  ) {
    super(outputSize);
  }
}

/**
 * torch.nn.AdaptiveMaxPool2d: [N, C, H, W] (or [C, H, W]) -> [N, C, oh, ow] whatever H and W;
 * outputSize as for AdaptiveAvgPool2d. With returnIndices, forward returns [output, indices].
 */
export class AdaptiveMaxPool2d extends AdaptiveMaxPool {
  override forward(input: Tensor): Tensor | ValuesIndices {
    return this.returnIndices
      ? F.adaptiveMaxPool2dWithIndices(input, this.outputSize)
      : F.adaptiveMaxPool2d(input, this.outputSize);
  }
}

/**
 * torch.nn.AdaptiveMaxPool1d: [N, C, L] (or [C, L]) -> [N, C, outputSize] whatever L. With
 * returnIndices, forward returns [output, indices].
 */
export class AdaptiveMaxPool1d extends AdaptiveMaxPool {
  override forward(input: Tensor): Tensor | ValuesIndices {
    const size = this.outputSize as IntOrPair;
    return this.returnIndices
      ? F.adaptiveMaxPool1dWithIndices(input, size)
      : F.adaptiveMaxPool1d(input, size);
  }
}

abstract class MaxUnpoolNd extends Module {
  /** The window size per spatial dim. */
  readonly kernelSize: number[];
  /** The pooling's stride per spatial dim (the kernel size unless given). */
  readonly stride: number[];
  /** The pooling's padding per spatial dim. */
  readonly padding: number[];

  /** Sizes kept as tuples, as PyTorch's _pair/_single do. */
  constructor(dims: 1 | 2, kernelSize: IntOrPair, opts: MaxUnpoolLayerOptions) {
    super();
    this.kernelSize = ntuple(dims, kernelSize, 'kernel_size');
    this.stride = ntuple(dims, opts.stride ?? kernelSize, 'stride');
    this.padding = ntuple(dims, opts.padding ?? 0, 'padding');
  }

  protected options(outputSize: readonly number[] | undefined): U.MaxUnpoolOptions {
    return { stride: this.stride, padding: this.padding, outputSize };
  }

  override extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}

/** Options of MaxUnpool1d and MaxUnpool2d: the stride and padding of the pooling being undone. */
export type MaxUnpoolLayerOptions = Omit<U.MaxUnpoolOptions, 'outputSize'>;

/** torch.nn.MaxUnpool2d: forward(input, indices, outputSize?) undoes MaxPool2d(returnIndices). */
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(kernelSize: IntOrPair, opts: MaxUnpoolLayerOptions = {}) {
    super(2, kernelSize, opts);
  }

  override forward(input: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return U.maxUnpool2d(input, indices, this.kernelSize, this.options(outputSize));
  }
}

/** torch.nn.MaxUnpool1d: forward(input, indices, outputSize?) undoes MaxPool1d(returnIndices). */
export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(kernelSize: IntOrPair, opts: MaxUnpoolLayerOptions = {}) {
    super(1, kernelSize, opts);
  }

  override forward(input: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return U.maxUnpool1d(input, indices, this.kernelSize, this.options(outputSize));
  }
}
