import { empty, type Tensor, ValueError } from '@tensile/tensor';
import * as F from '../functional/conv';
import { type PadMode, pad } from '../functional/vision';
import { calculateFanInAndFanOut } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { resetAffine } from './linear';
import { type FactoryOptions, pySize, pyTuple } from './options';

/**
 * How Conv1d and Conv2d fill their padding (torch's padding_mode): 'zeros' (the default) or, by
 * padding the input with F.pad first, 'reflect', 'replicate' or 'circular'. Transposed layers take
 * 'zeros' only.
 */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/**
 * Options of Conv1d and Conv2d: F.ConvOptions plus the layer's `bias` and `paddingMode`, and the
 * factory options.
 */
export interface ConvLayerOptions extends FactoryOptions {
  /** Step between kernel positions (default 1). */
  stride?: F.IntOrPair;
  /**
   * Padding on both sides of each spatial dim, 'valid' or 'same' (default 0); see F.ConvPadding.
   */
  padding?: F.ConvPadding;
  /** Spacing between kernel taps (default 1). */
  dilation?: F.IntOrPair;
  /**
   * Independent convolutions over as many slices of the channels (default 1); both channel counts
   * must divide by it. groups = inChannels is a depthwise convolution.
   */
  groups?: number;
  /** Learn a bias per output channel (default true). */
  bias?: boolean;
  /** What fills the padding (default 'zeros'); see PaddingMode. */
  paddingMode?: PaddingMode;
}

/**
 * Options of ConvTranspose1d and ConvTranspose2d: F.ConvTransposeOptions plus `bias`, and the
 * factory options.
 */
export interface ConvTransposeLayerOptions extends FactoryOptions {
  /** The stride of the transposed convolution, so the upsampling factor (default 1). */
  stride?: F.IntOrPair;
  /**
   * The padding of the transposed convolution: removes that many outputs from both sides of each
   * spatial dim (default 0).
   */
  padding?: F.IntOrPair;
  /**
   * Extra outputs on the bottom/right of each spatial dim (default 0), to pick the output size when
   * stride > 1 leaves a choice; must be smaller than stride or dilation.
   */
  outputPadding?: F.IntOrPair;
  /** Spacing between kernel taps (default 1). */
  dilation?: F.IntOrPair;
  /** Independent transposed convolutions over as many slices of the channels (default 1). */
  groups?: number;
  /** Learn a bias per output channel (default true). */
  bias?: boolean;
}

/** What Conv1d/2d and ConvTranspose1d/2d share: weights, init, and PyTorch's printed settings. */
abstract class ConvNd extends Module {
  /**
   * [out, in/groups, ...kernel] for convolutions, [in, out/groups, ...kernel] for transposed ones.
   */
  weight: Parameter;
  /** [outChannels], or null with `bias: false`. */
  bias: Parameter | null;
  /** The kernel's size per spatial dim. */
  readonly kernelSize: number[];
  /** The stride per spatial dim. */
  readonly stride: number[];
  /** The padding per spatial dim, or 'same' / 'valid' as given. */
  readonly padding: number[] | 'same' | 'valid';
  /** The dilation per spatial dim. */
  readonly dilation: number[];
  /** The output padding per spatial dim (zeros except for transposed convolutions). */
  readonly outputPadding: number[];
  /** The number of channel groups. */
  readonly groups: number;
  /** What fills the padding; always 'zeros' for transposed convolutions. */
  readonly paddingMode: PaddingMode;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: F.IntOrPair,
    dims: number,
    transposed: boolean,
    opts: ConvLayerOptions & { outputPadding?: F.IntOrPair },
  ) {
    super();
    const name = this.constructor.name;
    this.groups = opts.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups <= 0)
      throw new ValueError(`${name}: groups must be a positive integer`);
    if (inChannels % this.groups !== 0)
      throw new ValueError(`${name}: in_channels must be divisible by groups`);
    if (outChannels % this.groups !== 0)
      throw new ValueError(`${name}: out_channels must be divisible by groups`);
    this.kernelSize = F.ntuple(dims, kernelSize, 'kernel_size');
    this.stride = F.ntuple(dims, opts.stride ?? 1, 'stride');
    this.dilation = F.ntuple(dims, opts.dilation ?? 1, 'dilation');
    this.outputPadding = F.ntuple(dims, opts.outputPadding ?? 0, 'output_padding');
    const p = opts.padding ?? 0;
    if (typeof p === 'string' && p !== 'same' && p !== 'valid')
      throw new ValueError(`Invalid padding string '${p}', should be one of ['valid', 'same']`);
    if (p === 'same' && this.stride.some((s) => s !== 1))
      throw new ValueError("padding='same' is not supported for strided convolutions");
    this.padding = typeof p === 'string' ? p : F.ntuple(dims, p, 'padding');
    this.paddingMode = opts.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(this.paddingMode)) {
      throw new ValueError(
        `padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='${this.paddingMode}'`,
      );
    }
    if (transposed && this.paddingMode !== 'zeros')
      throw new ValueError(`Only "zeros" padding mode is supported for ${name}`);
    const shape = transposed
      ? [inChannels, outChannels / this.groups, ...this.kernelSize]
      : [outChannels, inChannels / this.groups, ...this.kernelSize];
    this.weight = new Parameter(empty(shape, opts));
    this.bias = opts.bias === false ? null : new Parameter(empty([outChannels], opts));
    this.resetParameters();
  }

  /**
   * Re-draws weight and bias from PyTorch's default: kaiming-uniform with a = sqrt(5) for the
   * weight, U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for the bias, fanIn = weight.shape[1] * kernel
   * elements.
   */
  resetParameters(): void {
    resetAffine(this.weight, this.bias, calculateFanInAndFanOut(this.weight)[0]);
  }

  override extraRepr(): string {
    const all = (v: number[], x: number) => v.every((e) => e === x);
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (!all(this.padding, 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (!all(this.dilation, 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (!all(this.outputPadding, 0)) s += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }

  /**
   * Runs `conv` with this layer's settings. A padding mode other than zeros pads the input
   * explicitly first (PyTorch's _reversed_padding_repeated_twice) and convolves unpadded.
   */
  protected convolve(input: Tensor, conv: typeof F.conv2d): Tensor {
    const opts = {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    };
    if (this.paddingMode === 'zeros') return conv(input, this.weight, this.bias, opts);
    const amounts =
      this.padding === 'valid'
        ? this.kernelSize.map(() => [0, 0])
        : this.padding === 'same'
          ? this.kernelSize.map((k, i) => {
              const total = this.dilation[i] * (k - 1);
              return [Math.floor(total / 2), total - Math.floor(total / 2)];
            })
          : this.padding.map((p) => [p, p]);
    const padded = pad(input, amounts.reverse().flat(), { mode: this.paddingMode as PadMode });
    return conv(padded, this.weight, this.bias, { ...opts, padding: 0 });
  }

  protected transposeOptions(): F.ConvTransposeOptions {
    const padding = typeof this.padding === 'string' ? 0 : this.padding;
    return {
      stride: this.stride,
      padding,
      dilation: this.dilation,
      groups: this.groups,
      outputPadding: this.outputPadding,
    };
  }
}

/**
 * torch.nn.Conv2d: [N, inChannels, H, W] (or unbatched [inChannels, H, W]) ->
 * [N, outChannels, H', W'], where
 * H' = floor((H + 2 * padding - dilation * (kh - 1) - 1) / stride) + 1 and W' likewise. Weight
 * [out, in/groups, kh, kw] and bias [out] start from PyTorch's default init.
 */
export class Conv2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: F.IntOrPair,
    opts: ConvLayerOptions = {},
  ) {
    super(inChannels, outChannels, kernelSize, 2, false, opts);
  }

  override forward(input: Tensor): Tensor {
    return this.convolve(input, F.conv2d);
  }
}

/**
 * torch.nn.Conv1d: [N, inChannels, L] (or [inChannels, L]) -> [N, outChannels, L'],
 * L' = floor((L + 2 * padding - dilation * (k - 1) - 1) / stride) + 1; weight [out, in/groups, k].
 */
export class Conv1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: F.IntOrPair,
    opts: ConvLayerOptions = {},
  ) {
    super(inChannels, outChannels, kernelSize, 1, false, opts);
  }

  override forward(input: Tensor): Tensor {
    return this.convolve(input, F.conv1d);
  }
}

/**
 * torch.nn.ConvTranspose2d, the gradient of Conv2d with respect to its input, used to upsample:
 * [N, inChannels, H, W] (or [inChannels, H, W]) -> [N, outChannels, H', W'], where
 * H' = (H - 1) * stride - 2 * padding + dilation * (kh - 1) + outputPadding + 1. Weight
 * [in, out/groups, kh, kw]: in before out, unlike Conv2d.
 */
export class ConvTranspose2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: F.IntOrPair,
    opts: ConvTransposeLayerOptions = {},
  ) {
    super(inChannels, outChannels, kernelSize, 2, true, opts);
  }

  override forward(input: Tensor): Tensor {
    return F.convTranspose2d(input, this.weight, this.bias, this.transposeOptions());
  }
}

/**
 * torch.nn.ConvTranspose1d: [N, inChannels, L] (or [inChannels, L]) -> [N, outChannels, L'],
 * L' = (L - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1; weight
 * [in, out/groups, k].
 */
export class ConvTranspose1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: F.IntOrPair,
    opts: ConvTransposeLayerOptions = {},
  ) {
    super(inChannels, outChannels, kernelSize, 1, true, opts);
  }

  override forward(input: Tensor): Tensor {
    return F.convTranspose1d(input, this.weight, this.bias, this.transposeOptions());
  }
}

/**
 * Sliding blocks as columns (torch.nn.Unfold, im2col): [N, C, H, W] -> [N, C*kh*kw, L], L the
 * number of block positions. See F.unfold.
 */
export class Unfold extends Module {
  constructor(
    readonly kernelSize: F.IntOrPair,
    readonly opts: F.UnfoldOptions = {},
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.unfold(input, this.kernelSize, this.opts);
  }

  override extraRepr(): string {
    const o = this.opts;
    return `kernel_size=${pySize(this.kernelSize)}, dilation=${pySize(o.dilation ?? 1)}, padding=${pySize(o.padding ?? 0)}, stride=${pySize(o.stride ?? 1)}`;
  }
}

/**
 * Columns summed back into an image (torch.nn.Fold, col2im): [N, C*kh*kw, L] -> [N, C, H, W],
 * [H, W] = outputSize; overlapping blocks add up. See F.fold.
 */
export class Fold extends Module {
  constructor(
    readonly outputSize: F.IntOrPair,
    readonly kernelSize: F.IntOrPair,
    readonly opts: F.UnfoldOptions = {},
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.fold(input, this.outputSize, this.kernelSize, this.opts);
  }

  override extraRepr(): string {
    const o = this.opts;
    return `output_size=${pySize(this.outputSize)}, kernel_size=${pySize(this.kernelSize)}, dilation=${pySize(o.dilation ?? 1)}, padding=${pySize(o.padding ?? 0)}, stride=${pySize(o.stride ?? 1)}`;
  }
}
