/**
 * Loss modules: each holds its settings and calls the functional form. Class and element
 * weights are buffers named as PyTorch's (`weight`, `pos_weight`), so they are in the state dict.
 */
import type { Tensor } from '@tensile/tensor';
import * as F from '../functional/loss';
import { Module } from '../module';

abstract class Loss extends Module {
  /** 'none', 'mean' (the default) or 'sum'; see F.Reduction. */
  readonly reduction: F.Reduction;

  constructor(opts: F.ReductionOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
  }
}

abstract class WeightedLoss extends Loss {
  /**
   * The rescaling weight (per class, or per element for BCE), a buffer so it follows `to()` and is
   * in the state dict; null for none.
   */
  declare weight: Tensor | null;

  constructor(opts: F.WeightedOptions = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
  }
}

/** torch.nn.MSELoss: forward(input, target) gives (input - target)^2, reduced; see F.mseLoss. */
export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this);
  }
}

/** torch.nn.L1Loss: forward(input, target) gives |input - target|, reduced; see F.l1Loss. */
export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this);
  }
}

/** torch.nn.SmoothL1Loss: quadratic below `beta` (default 1), linear above; see F.smoothL1Loss. */
export class SmoothL1Loss extends Loss {
  /** Where the loss turns from quadratic to linear (default 1). */
  readonly beta: number;

  constructor(opts: F.ReductionOptions & { beta?: number } = {}) {
    super(opts);
    this.beta = opts.beta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, this);
  }
}

/**
 * torch.nn.HuberLoss: quadratic below `delta` (default 1), linear with slope delta above; see
 * F.huberLoss.
 */
export class HuberLoss extends Loss {
  /** Where the loss turns from quadratic to linear (default 1). */
  readonly delta: number;

  constructor(opts: F.ReductionOptions & { delta?: number } = {}) {
    super(opts);
    this.delta = opts.delta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, this);
  }
}

/**
 * torch.nn.NLLLoss: forward(input, target) with log-probabilities [N, C] (or [N, C, d1, ...]) and
 * integer class indices [N] (or [N, d1, ...]); see F.nllLoss. Feed it LogSoftmax output, or use
 * CrossEntropyLoss on raw scores.
 */
export class NLLLoss extends WeightedLoss {
  /** A target value that counts for nothing (default -100). */
  readonly ignoreIndex: number;

  constructor(opts: F.ClassOptions = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, this);
  }
}

/**
 * Cross entropy of logits against class indices or probabilities (torch.nn.CrossEntropyLoss):
 * forward(input, target) with raw scores [N, C] (or [N, C, d1, ...]) and class indices [N] (or
 * probabilities shaped like the input). The log-softmax is applied inside: don't add a Softmax.
 */
export class CrossEntropyLoss extends WeightedLoss {
  /** A target value that counts for nothing (default -100). */
  readonly ignoreIndex: number;
  /** In [0, 1]: how much of the target is spread evenly over the classes (default 0). */
  readonly labelSmoothing: number;

  constructor(opts: F.CrossEntropyOptions = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, this);
  }
}

/**
 * torch.nn.BCELoss: forward(input, target) with probabilities in [0, 1] and a target of the same
 * shape; see F.binaryCrossEntropy. On logits, use BCEWithLogitsLoss.
 */
export class BCELoss extends WeightedLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, this);
  }
}

/**
 * torch.nn.BCEWithLogitsLoss: sigmoid and BCELoss in one numerically stable step;
 * forward(input, target) with logits and a target of the same shape. `posWeight` weighs the
 * positive examples, one per class along the last dim.
 */
export class BCEWithLogitsLoss extends WeightedLoss {
  /**
   * The positive-example weight under PyTorch's buffer name, so state dicts match; posWeight reads
   * it.
   */
  declare pos_weight: Tensor | null;

  constructor(opts: F.WeightedOptions & { posWeight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer('pos_weight', opts.posWeight ?? null);
  }

  /** The positive-example weight, or null (the `pos_weight` buffer). */
  get posWeight(): Tensor | null {
    return this.pos_weight;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight,
      posWeight: this.pos_weight,
      reduction: this.reduction,
    });
  }
}

/**
 * torch.nn.KLDivLoss: forward(input, target) with log-probabilities as input and probabilities
 * (log-probabilities with `logTarget`) as target. Pass `reduction: 'batchmean'` for the KL
 * divergence per sample; the default 'mean' averages over every element, as PyTorch's does.
 */
export class KLDivLoss extends Module {
  /** 'none', 'mean' (the default), 'sum' or 'batchmean'; see F.KLReduction. */
  readonly reduction: F.KLReduction;
  /** The target holds log-probabilities (default false). */
  readonly logTarget: boolean;

  constructor(opts: { reduction?: F.KLReduction; logTarget?: boolean } = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
    this.logTarget = opts.logTarget ?? false;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, this);
  }
}

abstract class MarginLoss extends Loss {
  /** The margin of the hinge. */
  readonly margin: number;

  constructor(opts: F.ReductionOptions & { margin?: number }, defaultMargin: number) {
    super(opts);
    this.margin = opts.margin ?? defaultMargin;
  }
}

/**
 * torch.nn.MarginRankingLoss: forward(input1, input2, target) with target 1 where input1 should
 * rank higher and -1 where input2 should; max(0, -target * (input1 - input2) + margin), margin
 * default 0.
 */
export class MarginRankingLoss extends MarginLoss {
  constructor(opts: F.ReductionOptions & { margin?: number } = {}) {
    super(opts, 0);
  }

  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(input1, input2, target, this);
  }
}

/**
 * torch.nn.CosineEmbeddingLoss: forward(input1, input2, target) with inputs [N, D] and targets ±1
 * [N]: 1 - cos for similar pairs, max(0, cos - margin) for dissimilar ones (margin default 0).
 */
export class CosineEmbeddingLoss extends MarginLoss {
  constructor(opts: F.ReductionOptions & { margin?: number } = {}) {
    super(opts, 0);
  }

  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, this);
  }
}

/**
 * torch.nn.HingeEmbeddingLoss: forward(input, target) with targets ±1: x for 1, max(0, margin - x)
 * for -1 (margin default 1).
 */
export class HingeEmbeddingLoss extends MarginLoss {
  constructor(opts: F.ReductionOptions & { margin?: number } = {}) {
    super(opts, 1);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, this);
  }
}

/**
 * torch.nn.SoftMarginLoss: forward(input, target) with targets ±1; log(1 + exp(-target * input)),
 * reduced.
 */
export class SoftMarginLoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.softMarginLoss(input, target, this);
  }
}

/**
 * torch.nn.TripletMarginLoss: forward(anchor, positive, negative), [N, D] each;
 * max(d(a, p) - d(a, n) + margin, 0) with p-norm distances. See F.TripletOptions for margin, p,
 * eps and swap.
 */
export class TripletMarginLoss extends Loss {
  /** The gap wanted between the negative's distance and the positive's (default 1). */
  readonly margin: number;
  /** The norm of the distances (default 2). */
  readonly p: number;
  /** Added to every difference before the norm (default 1e-6). */
  readonly eps: number;
  /** Use the smaller of d(anchor, negative) and d(positive, negative) (default false). */
  readonly swap: boolean;

  constructor(opts: F.TripletOptions = {}) {
    super(opts);
    this.margin = opts.margin ?? 1;
    this.p = opts.p ?? 2;
    this.eps = opts.eps ?? 1e-6;
    this.swap = opts.swap ?? false;
  }

  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginLoss(anchor, positive, negative, this);
  }
}
