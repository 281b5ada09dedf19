import type { Optimizer } from '../optimizer';
import { LRScheduler, perGroup, type SchedulerOptions } from './base';

/** A function of the epoch; one for all groups or one per group. */
export type LrLambda = (epoch: number) => number;

/** lr = initialLr * lrLambda(epoch) (torch.optim.lr_scheduler.LambdaLR). Lambdas are not saved. */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[], opts: SchedulerOptions = {}) {
    super(optimizer);
    this.lrLambdas = perGroup('LambdaLR', 'lr_lambda', optimizer, lrLambda);
    this.start(opts.lastEpoch);
  }

  protected getLr(): number[] {
    return this.baseLrs.map((lr, i) => lr * this.lrLambdas[i](this.lastEpoch));
  }
}

/**
 * lr *= lrLambda(epoch) each epoch after the first (torch.optim.lr_scheduler.MultiplicativeLR).
 * Lambdas are not saved.
 */
export class MultiplicativeLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[], opts: SchedulerOptions = {}) {
    super(optimizer);
    this.lrLambdas = perGroup('MultiplicativeLR', 'lr_lambda', optimizer, lrLambda);
    this.start(opts.lastEpoch);
  }

  protected getLr(): number[] {
    if (this.lastEpoch <= 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
  }
}
