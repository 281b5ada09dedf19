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

export interface BatchNormOptions extends FactoryOptions {
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
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
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

  get runningMean(): Tensor | null {
    return this.getBuffer('running_mean');
  }

  get runningVar(): Tensor | null {
    return this.getBuffer('running_var');
  }

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

  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

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

/** BatchNorm over [N, C] or [N, C, L] input (torch.nn.BatchNorm1d). */
export class BatchNorm1d extends BatchNormBase {
  protected readonly dims = [2, 3];
}

/** BatchNorm over [N, C, H, W] input (torch.nn.BatchNorm2d). */
export class BatchNorm2d extends BatchNormBase {
  protected readonly dims = [4];
}

/** BatchNorm over [N, C, D, H, W] input (torch.nn.BatchNorm3d). */
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

/** InstanceNorm over [N, C, L] or [C, L] input (torch.nn.InstanceNorm1d). */
export class InstanceNorm1d extends InstanceNormBase {
  protected readonly dims = [2, 3];
}

/** InstanceNorm over [N, C, H, W] or [C, H, W] input (torch.nn.InstanceNorm2d). */
export class InstanceNorm2d extends InstanceNormBase {
  protected readonly dims = [3, 4];
}

/** InstanceNorm over [N, C, D, H, W] or [C, D, H, W] input (torch.nn.InstanceNorm3d). */
export class InstanceNorm3d extends InstanceNormBase {
  protected readonly dims = [4, 5];
}

export interface LayerNormOptions extends FactoryOptions {
  eps?: number;
  /** Learnable weight (1) and bias (0) of normalizedShape (default true). */
  elementwiseAffine?: boolean;
}

/** Standardizes over the trailing dims normalizedShape (torch.nn.LayerNorm). */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape =
      typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    [this.weight, this.bias] = affineParameters(this.normalizedShape, this.elementwiseAffine, opts);
  }

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

export interface GroupNormOptions extends FactoryOptions {
  eps?: number;
  /** Learnable per-channel weight (1) and bias (0) (default true). */
  affine?: boolean;
}

/** Standardizes each of numGroups groups of channels per sample (torch.nn.GroupNorm). */
export class GroupNorm extends Module {
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
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

/** Normalizes each element by the energy of its neighbouring channels (torch.nn.LocalResponseNorm). */
export class LocalResponseNorm extends Module {
  readonly alpha: number;
  readonly beta: number;
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
