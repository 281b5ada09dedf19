import { type Generator, type Tensor, ValueError } from '@tensile/tensor';
import * as F from '../functional/dropout';
import { Module } from '../module';
import { pyBool, pyFloat } from './options';

/** Options of the dropout layers, after `p` (PyTorch's `inplace`, plus a generator). */
export interface DropoutLayerOptions {
  /** Multiply the input in place and return it. */
  inplace?: boolean;
  /** Source of the masks' randomness (default: the global generator). */
  generator?: Generator;
}

type DropoutFn = (input: Tensor, opts: F.DropoutOptions) => Tensor;

/**
 * What the dropout layers share (PyTorch's _DropoutNd): p checked at construction, identity in
 * eval mode, and the functional form that does the work.
 */
abstract class DropoutBase extends Module {
  /** Multiply the input in place and return it (default false). */
  readonly inplace: boolean;
  /** Source of the masks' randomness; undefined uses the global generator. */
  readonly generator?: Generator;
  protected abstract readonly fn: DropoutFn;

  constructor(
    /** Probability of zeroing each element (or channel), in [0, 1]; default 0.5. */
    readonly p = 0.5,
    opts: DropoutLayerOptions = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1))
      throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
    this.inplace = opts.inplace ?? false;
    this.generator = opts.generator;
  }

  override forward(input: Tensor): Tensor {
    return this.fn(input, {
      p: this.p,
      training: this.training,
      inplace: this.inplace,
      generator: this.generator,
    });
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/**
 * torch.nn.Dropout: while training, zeroes each element with probability p and scales the rest by
 * 1/(1-p), so eval mode (where it is the identity) needs no rescaling. Any shape.
 */
export class Dropout extends DropoutBase {
  protected readonly fn = F.dropout;
}

/** Zeroes whole channels of [N, C, L] or [C, L] input while training (torch.nn.Dropout1d). */
export class Dropout1d extends DropoutBase {
  protected readonly fn = F.dropout1d;
}

/**
 * Zeroes whole channels of [N, C, H, W] or [C, H, W] input while training, scaling the rest by
 * 1/(1-p) (torch.nn.Dropout2d). A 3-D input is one unbatched image: PyTorch 1.13 instead warns and
 * treats it as [N, C, L].
 */
export class Dropout2d extends DropoutBase {
  protected readonly fn = F.dropout2d;
}

/**
 * Zeroes whole channels of [N, C, D, H, W] or [C, D, H, W] input while training
 * (torch.nn.Dropout3d).
 */
export class Dropout3d extends DropoutBase {
  protected readonly fn = F.dropout3d;
}

/**
 * Dropout that keeps SELU's zero mean and unit variance (torch.nn.AlphaDropout): while training,
 * dropped elements take SELU's negative saturation value and an affine map restores the moments.
 */
export class AlphaDropout extends DropoutBase {
  protected readonly fn = F.alphaDropout;
}

/** AlphaDropout of whole channels (torch.nn.FeatureAlphaDropout). */
export class FeatureAlphaDropout extends DropoutBase {
  protected readonly fn = F.featureAlphaDropout;
}
