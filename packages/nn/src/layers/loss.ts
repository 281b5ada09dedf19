/**
 * Loss modules: each holds its settings and calls the functional form. Class and element
 * weights are buffers named as PyTorch's (`weight`, `pos_weight`), so they are in the state dict.
 */
import type { Tensor } from '@tensile/tensor';
import * as F from '../functional/loss';
import { Module } from '../module';

abstract class Loss extends Module {
  readonly reduction: F.Reduction;

  constructor(opts: F.ReductionOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
  }
}

abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;

  constructor(opts: F.WeightedOptions = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
  }
}

export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this);
  }
}

export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this);
  }
}

export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(opts: F.ReductionOptions & { beta?: number } = {}) {
    super(opts);
    this.beta = opts.beta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, this);
  }
}

export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(opts: F.ReductionOptions & { delta?: number } = {}) {
    super(opts);
    this.delta = opts.delta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, this);
  }
}

export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;

  constructor(opts: F.ClassOptions = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, this);
  }
}

/** Cross entropy of logits against class indices or probabilities (torch.nn.CrossEntropyLoss). */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
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

export class BCELoss extends WeightedLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, this);
  }
}

export class BCEWithLogitsLoss extends WeightedLoss {
  declare pos_weight: Tensor | null;

  constructor(opts: F.WeightedOptions & { posWeight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer('pos_weight', opts.posWeight ?? null);
  }

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

export class KLDivLoss extends Module {
  readonly reduction: F.KLReduction;
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
  readonly margin: number;

  constructor(opts: F.ReductionOptions & { margin?: number }, defaultMargin: number) {
    super(opts);
    this.margin = opts.margin ?? defaultMargin;
  }
}

export class MarginRankingLoss extends MarginLoss {
  constructor(opts: F.ReductionOptions & { margin?: number } = {}) {
    super(opts, 0);
  }

  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(input1, input2, target, this);
  }
}

export class CosineEmbeddingLoss extends MarginLoss {
  constructor(opts: F.ReductionOptions & { margin?: number } = {}) {
    super(opts, 0);
  }

  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, this);
  }
}

export class HingeEmbeddingLoss extends MarginLoss {
  constructor(opts: F.ReductionOptions & { margin?: number } = {}) {
    super(opts, 1);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, this);
  }
}

export class SoftMarginLoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.softMarginLoss(input, target, this);
  }
}

export class TripletMarginLoss extends Loss {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
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
