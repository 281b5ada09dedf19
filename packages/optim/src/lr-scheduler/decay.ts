import { ValueError } from '@tensile/tensor';
import type { Optimizer } from '../optimizer';
import { LRScheduler, type SchedulerOptions } from './base';

/** Multiplies the lr by `gamma` every `stepSize` epochs (torch.optim.lr_scheduler.StepLR). */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(
    optimizer: Optimizer,
    stepSize: number,
    opts: SchedulerOptions & { gamma?: number } = {},
  ) {
    super(optimizer);
    this.stepSize = stepSize;
    this.gamma = opts.gamma ?? 0.1;
    this.start(opts.lastEpoch);
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0)
      return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/** Multiplies the lr by `gamma` at each milestone epoch (torch.optim.lr_scheduler.MultiStepLR). */
export class MultiStepLR extends LRScheduler {
  /** Sorted; a milestone listed twice applies gamma twice, as PyTorch's Counter does. */
  milestones: number[];
  gamma: number;

  constructor(
    optimizer: Optimizer,
    milestones: number[],
    opts: SchedulerOptions & { gamma?: number } = {},
  ) {
    super(optimizer);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = opts.gamma ?? 0.1;
    this.start(opts.lastEpoch);
  }

  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }
}

/** Scales the lr by `factor` until epoch `totalIters` (torch.optim.lr_scheduler.ConstantLR). */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;

  constructor(
    optimizer: Optimizer,
    opts: SchedulerOptions & { factor?: number; totalIters?: number } = {},
  ) {
    super(optimizer);
    this.factor = opts.factor ?? 1 / 3;
    if (this.factor > 1 || this.factor < 0)
      throw new ValueError(
        'ConstantLR: Constant multiplicative factor expected to be between 0 and 1.',
      );
    this.totalIters = opts.totalIters ?? 5;
    this.start(opts.lastEpoch);
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 / this.factor));
  }

  protected override closedFormLr(): number[] {
    const reached = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((lr) => lr * (this.factor + reached * (1 - this.factor)));
  }
}

/**
 * Scales the lr linearly from `startFactor` to `endFactor` over `totalIters` epochs
 * (torch.optim.lr_scheduler.LinearLR).
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(
    optimizer: Optimizer,
    opts: SchedulerOptions & { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    super(optimizer);
    this.startFactor = opts.startFactor ?? 1 / 3;
    this.endFactor = opts.endFactor ?? 1;
    if (this.startFactor > 1 || this.startFactor < 0)
      throw new ValueError(
        'LinearLR: Starting multiplicative factor expected to be between 0 and 1.',
      );
    if (this.endFactor > 1 || this.endFactor < 0)
      throw new ValueError(
        'LinearLR: Ending multiplicative factor expected to be between 0 and 1.',
      );
    this.totalIters = opts.totalIters ?? 5;
    this.start(opts.lastEpoch);
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return this.groups.map((g) => g.lr);
    const delta = this.endFactor - this.startFactor;
    const ratio = 1 + delta / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * delta);
    return this.groups.map((g) => g.lr * ratio);
  }

  protected override closedFormLr(): number[] {
    const progress =
      ((this.endFactor - this.startFactor) * Math.min(this.totalIters, this.lastEpoch)) /
      this.totalIters;
    return this.baseLrs.map((lr) => lr * (this.startFactor + progress));
  }
}

/** Multiplies the lr by `gamma` every epoch (torch.optim.lr_scheduler.ExponentialLR). */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: Optimizer, gamma: number, opts: SchedulerOptions = {}) {
    super(optimizer);
    this.gamma = gamma;
    this.start(opts.lastEpoch);
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }
}

/**
 * Decays the lr polynomially to 0 over `totalIters` epochs
 * (torch.optim.lr_scheduler.PolynomialLR).
 */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;

  constructor(
    optimizer: Optimizer,
    opts: SchedulerOptions & { totalIters?: number; power?: number } = {},
  ) {
    super(optimizer);
    this.totalIters = opts.totalIters ?? 5;
    this.power = opts.power ?? 1;
    this.start(opts.lastEpoch);
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch > this.totalIters)
      return this.groups.map((g) => g.lr);
    const decay =
      ((1 - this.lastEpoch / this.totalIters) / (1 - (this.lastEpoch - 1) / this.totalIters)) **
      this.power;
    return this.groups.map((g) => g.lr * decay);
  }

  protected override closedFormLr(): number[] {
    const remaining = 1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters;
    return this.baseLrs.map((lr) => lr * remaining ** this.power);
  }
}
