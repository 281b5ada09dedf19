import type { Tensor, ValuesIndices } from '@tensile/tensor';
import { type IntOrPair, ntuple } from '../functional/conv';
import * as F from '../functional/pooling';
import * as U from '../functional/unpool';
import { Module } from '../module';
import { pyBool } from './options';

/** Python's spelling of a size setting: 2, or (2, 2). */
const py = (v: IntOrPair | readonly (number | null)[] | null | undefined): string =>
  v == null
    ? 'None'
    : typeof v === 'number'
      ? String(v)
      : `(${v.map((e) => e ?? 'None').join(', ')})`;

export interface MaxPoolLayerOptions extends F.MaxPoolOptions {
  returnIndices?: boolean;
}

abstract class MaxPoolNd extends Module {
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly dilation: IntOrPair;
  readonly returnIndices: boolean;
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
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, padding=${py(this.padding)}, dilation=${py(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** torch.nn.MaxPool2d; with returnIndices, forward returns [output, indices]. */
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
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
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
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, padding=${py(this.padding)}`;
  }
}

export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: IntOrPair, opts: F.AvgPoolOptions = {}) {
    super(kernelSize, opts);
  }

  override forward(input: Tensor): Tensor {
    return F.avgPool2d(input, this.kernelSize, this.options());
  }
}

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
    return `output_size=${py(this.outputSize)}`;
  }
}

export class AdaptiveAvgPool2d extends AdaptivePool {
  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }
}

export class AdaptiveAvgPool1d extends AdaptivePool {
  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool1d(input, this.outputSize as IntOrPair);
  }
}

abstract class AdaptiveMaxPool extends AdaptivePool {
  constructor(
    outputSize: OutputSize,
    readonly returnIndices = false,
  ) {
    super(outputSize);
  }
}

export class AdaptiveMaxPool2d extends AdaptiveMaxPool {
  override forward(input: Tensor): Tensor | ValuesIndices {
    return this.returnIndices
      ? F.adaptiveMaxPool2dWithIndices(input, this.outputSize)
      : F.adaptiveMaxPool2d(input, this.outputSize);
  }
}

export class AdaptiveMaxPool1d extends AdaptiveMaxPool {
  override forward(input: Tensor): Tensor | ValuesIndices {
    const size = this.outputSize as IntOrPair;
    return this.returnIndices
      ? F.adaptiveMaxPool1dWithIndices(input, size)
      : F.adaptiveMaxPool1d(input, size);
  }
}

/** Python's tuple spelling: (2, 2), or (2,) for one element. */
const tuple = (v: readonly number[]) => (v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`);

abstract class MaxUnpoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
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
    return `kernel_size=${tuple(this.kernelSize)}, stride=${tuple(this.stride)}, padding=${tuple(this.padding)}`;
  }
}

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
