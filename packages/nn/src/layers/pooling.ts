import type { Tensor, ValuesIndices } from '@tensile/tensor';
import type { IntOrPair } from '../functional/conv';
import * as F from '../functional/pooling';
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
