import {
  fmtShape,
  noGrad,
  ones,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from '@tensile/tensor';
import * as F from '../functional/normalization';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { type FactoryOptions, pyBool, pyFloat, pyTuple } from './options';

/**
 * Options of the BatchNorm and InstanceNorm layers (torch's eps, momentum, affine,
 * track_running_stats) and the factory options.
 */
export interface BatchNormOptions extends FactoryOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of the newest batch in the running statistics; null averages all batches equally. */
  momentum?: number | null;
  /** Learnable per-channel weight and bias (default true for BatchNorm, false for InstanceNorm). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true for BatchNorm, false for InstanceNorm). */
  trackRunningStats?: boolean;
}

/** The learnable weight (ones) and bias (zeros) of `shape`, or nulls when disabled. */
function affineParameters(
  shape: readonly number[],
  enabled: boolean,
  opts: FactoryOptions,
): [Parameter | null, Parameter | null] {
  if (!enabled) return [null, null];
  return [new Parameter(ones(shape, opts)), new Parameter(zeros(shape, opts))];
}

function resetAffine(weight: Tensor | null, bias: Tensor | null): void {
  noGrad(() => {
    weight?.fill_(1);
    bias?.zero_();
  });
}

/**
 * What BatchNorm and InstanceNorm share (PyTorch's _NormBase): per-channel affine parameters
 * (weight 1, bias 0) and the buffers running_mean (0), running_var (1) and num_batches_tracked.
 */
abstract class NormBase extends Module {
  /** [numFeatures], initialized to ones; null unless `affine`. */
  weight: Parameter | null;
  /** [numFeatures], initialized to zeros; null unless `affine`. */
  bias: Parameter | null;
  /** Added to the variance before the square root. */
  readonly eps: number;
  /**
   * Weight of the newest batch in the running statistics (default 0.1); null for a cumulative
   * average.
   */
  readonly momentum: number | null;
  /** Whether the layer has a learnable weight and bias. */
  readonly affine: boolean;
  /** Whether the layer keeps running statistics for eval mode. */
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    opts: BatchNormOptions,
    defaults: { affine: boolean; trackRunningStats: boolean },
  ) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? defaults.affine;
    this.trackRunningStats = opts.trackRunningStats ?? defaults.trackRunningStats;
    [this.weight, this.bias] = affineParameters([numFeatures], this.affine, opts);
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([numFeatures], opts) : null);
    this.registerBuffer('running_var', track ? ones([numFeatures], opts) : null);
    this.registerBuffer(
      'num_batches_tracked',
      track ? tensor(0, { ...opts, dtype: 'int64' }) : null,
    );
  }

  /**
   * The `running_mean` buffer [numFeatures] (PyTorch's name, also the state dict key), or null when
   * not tracking.
   */
  get runningMean(): Tensor | null {
    return this.getBuffer('running_mean');
  }

  /** The `running_var` buffer [numFeatures], an unbiased variance, or null when not tracking. */
  get runningVar(): Tensor | null {
    return this.getBuffer('running_var');
  }

  /**
   * The `num_batches_tracked` buffer, an int64 scalar counting training batches, or null when not
   * tracking.
   */
  get numBatchesTracked(): Tensor | null {
    return this.getBuffer('num_batches_tracked');
  }

  /** num_batches_tracked came with PyTorch 0.4.1; older state dicts load it as 0, as there. */
  protected override stateDefaults(): Record<string, Tensor> {
    const tracked = this.numBatchesTracked;
    return tracked
      ? { num_batches_tracked: tensor(0, { dtype: 'int64', device: tracked.device }) }
      : {};
  }

  /**
   * Running mean to 0, running variance to 1, and the batch count to 0 (torch reset_running_stats).
   */
  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  /** resetRunningStats, then weight to 1 and bias to 0 (torch reset_parameters). */
  resetParameters(): void {
    this.resetRunningStats();
    resetAffine(this.weight, this.bias);
  }

  /** Input ranks this layer accepts, as PyTorch's _check_input_dim. */
  protected abstract readonly dims: readonly number[];

  /** Checks the rank and, unless channelDim is null, the number of channels. */
  protected checkInput(input: Tensor, channelDim: number | null): void {
    const dims = this.dims;
    if (!dims.includes(input.ndim)) {
      const expected = dims.map((d) => `${d}D`).join(' or ');
      throw new ValueError(
        `${this.constructor.name}: expected ${expected} input (got ${input.ndim}D input)`,
      );
    }
    if (channelDim !== null && input.shape[channelDim] !== this.numFeatures) {
      throw new ShapeError(
        `${this.constructor.name}(${this.numFeatures}): expected input with ${this.numFeatures} channels, got input of shape ${fmtShape(input.shape)}`,
      );
    }
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/**
 * Batch normalization over dim 1 (PyTorch's _BatchNorm). Training normalizes with the batch's
 * statistics and updates the running ones (momentum null: a cumulative average over
 * num_batches_tracked batches); eval mode normalizes with the running statistics, unless
 * trackRunningStats is off.
 */
abstract class BatchNormBase extends NormBase {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, opts, { affine: true, trackRunningStats: true });
  }

  override forward(input: Tensor): Tensor {
    this.checkInput(input, 1);
    let factor = this.momentum ?? 0;
    const tracked = this.numBatchesTracked;
    if (this.training && tracked) {
      noGrad(() => tracked.add_(1));
      if (this.momentum === null) factor = 1 / tracked.item();
    }
    const useRunning = !this.training || this.trackRunningStats;
    return F.batchNorm(
      input,
      useRunning ? this.runningMean : null,
      useRunning ? this.runningVar : null,
      {
        weight: this.weight,
        bias: this.bias,
        training: this.training || this.runningMean === null,
        momentum: factor,
        eps: this.eps,
      },
    );
  }
}

/**
 * torch.nn.BatchNorm1d: [N, C] or [N, C, L] -> the same shape, C = numFeatures. Training mode
 * needs more than one value per channel (a batch of one [1, C] throws); call eval() for inference.
 */
export class BatchNorm1d extends BatchNormBase {
  protected readonly dims = [2, 3];
}

/**
 * torch.nn.BatchNorm2d: [N, C, H, W] -> the same shape, each channel standardized over N, H and
 * W; C = numFeatures. Running statistics are buffers `running_mean`, `running_var` and
 * `num_batches_tracked`, as in PyTorch's state dicts.
 */
export class BatchNorm2d extends BatchNormBase {
  protected readonly dims = [4];
}

/** torch.nn.BatchNorm3d: [N, C, D, H, W] -> the same shape; C = numFeatures. */
export class BatchNorm3d extends BatchNormBase {
  protected readonly dims = [5];
}

/**
 * Instance normalization (PyTorch's _InstanceNorm): each channel of each sample standardized
 * on its own. affine and trackRunningStats default to false; with running statistics, eval mode
 * uses them. Input without the batch dim is accepted.
 */
abstract class InstanceNormBase extends NormBase {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, opts, { affine: false, trackRunningStats: false });
    if (this.momentum === null)
      throw new ValueError(`${new.target.name}: momentum must be a number, got null`);
  }

  override forward(input: Tensor): Tensor {
    const unbatched = input.ndim === this.dims[0];
    // Without parameters or statistics numFeatures is unused, so PyTorch accepts any channels.
    const checked = this.affine || this.trackRunningStats;
    this.checkInput(input, checked ? (unbatched ? 0 : 1) : null);
    const batched = unbatched ? input.unsqueeze(0) : input;
    const out = F.instanceNorm(batched, {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      momentum: this.momentum as number,
      eps: this.eps,
    });
    return unbatched ? out.squeeze(0) : out;
  }
}

/**
 * torch.nn.InstanceNorm1d: [N, C, L] or [C, L] -> the same shape. Unlike BatchNorm, affine and
 * trackRunningStats default to false.
 */
export class InstanceNorm1d extends InstanceNormBase {
  protected readonly dims = [2, 3];
}

/**
 * torch.nn.InstanceNorm2d: [N, C, H, W] or [C, H, W] -> the same shape, each channel of each
 * sample standardized over H and W. Unlike BatchNorm, affine and trackRunningStats default to
 * false.
 */
export class InstanceNorm2d extends InstanceNormBase {
  protected readonly dims = [3, 4];
}

/**
 * torch.nn.InstanceNorm3d: [N, C, D, H, W] or [C, D, H, W] -> the same shape. Unlike BatchNorm,
 * affine and trackRunningStats default to false.
 */
export class InstanceNorm3d extends InstanceNormBase {
  protected readonly dims = [4, 5];
}

/** Options of LayerNorm (torch's eps, elementwise_affine) and the factory options. */
export interface LayerNormOptions extends FactoryOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learnable weight (1) and bias (0) of normalizedShape (default true). */
  elementwiseAffine?: boolean;
}

/**
 * torch.nn.LayerNorm: standardizes each sample over the trailing dims normalizedShape, with the
 * same statistics in training and eval: [*, ...normalizedShape] -> the same shape. Weight and
 * bias are elementwise over normalizedShape, not per channel.
 */
export class LayerNorm extends Module {
  /** The trailing dims standardized together, as an array even when given as one number. */
  readonly normalizedShape: readonly number[];
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** Whether the layer has a learnable weight and bias. */
  readonly elementwiseAffine: boolean;
  /** normalizedShape, initialized to ones; null without elementwiseAffine. */
  weight: Parameter | null;
  /** normalizedShape, initialized to zeros; null without elementwiseAffine. */
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape =
      typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    [this.weight, this.bias] = affineParameters(this.normalizedShape, this.elementwiseAffine, opts);
  }

  /** Weight to 1 and bias to 0. */
  resetParameters(): void {
    resetAffine(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, {
      weight: this.weight,
      bias: this.bias,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/** Options of GroupNorm (torch's eps, affine) and the factory options. */
export interface GroupNormOptions extends FactoryOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learnable per-channel weight (1) and bias (0) (default true). */
  affine?: boolean;
}

/**
 * torch.nn.GroupNorm: splits the channels into numGroups groups and standardizes each group of
 * each sample: [N, C, *] -> the same shape, C = numChannels (divisible by numGroups). numGroups 1
 * standardizes like LayerNorm over C and the spatial dims, numGroups = C like InstanceNorm; the
 * affine is per channel either way.
 */
export class GroupNorm extends Module {
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** Whether the layer has a learnable per-channel weight and bias. */
  readonly affine: boolean;
  /** [numChannels], initialized to ones; null without `affine`. */
  weight: Parameter | null;
  /** [numChannels], initialized to zeros; null without `affine`. */
  bias: Parameter | null;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    opts: GroupNormOptions = {},
  ) {
    super();
    if (numChannels % numGroups !== 0)
      throw new ValueError(
        `GroupNorm: num_channels must be divisible by num_groups (got num_channels=${numChannels}, num_groups=${numGroups})`,
      );
    this.eps = opts.eps ?? 1e-5;
    this.affine = opts.affine ?? true;
    [this.weight, this.bias] = affineParameters([numChannels], this.affine, opts);
  }

  /** Weight to 1 and bias to 0. */
  resetParameters(): void {
    resetAffine(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return F.groupNorm(input, this.numGroups, {
      weight: this.weight,
      bias: this.bias,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}

/**
 * torch.nn.LocalResponseNorm (AlexNet's): divides each element by (k + alpha * mean of squares
 * over `size` neighbouring channels)^beta; [N, C, *] -> the same shape, at least 3-D.
 */
export class LocalResponseNorm extends Module {
  /** Multiplier of the mean of squares (default 1e-4). */
  readonly alpha: number;
  /** Exponent of the divisor (default 0.75). */
  readonly beta: number;
  /** Additive constant of the divisor (default 1). */
  readonly k: number;

  constructor(
    readonly size: number,
    opts: F.LocalResponseNormOptions = {},
  ) {
    super();
    this.alpha = opts.alpha ?? 1e-4;
    this.beta = opts.beta ?? 0.75;
    this.k = opts.k ?? 1;
  }

  override forward(input: Tensor): Tensor {
    return F.localResponseNorm(input, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}
