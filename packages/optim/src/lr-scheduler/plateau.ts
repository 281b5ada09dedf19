import { isTensor, type Tensor, ValueError } from '@tensile/tensor';
import type { Optimizer } from '../optimizer';
import { perGroup, Scheduler, type SchedulerStateDict } from './base';

export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should decrease (a loss); 'max': increase (an accuracy). */
  mode?: 'min' | 'max';
  /** lr *= factor on a plateau. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. */
  patience?: number;
  /** Improvement smaller than this (relative or absolute, by thresholdMode) does not count. */
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again. */
  cooldown?: number;
  minLr?: number | number[];
  /** Reductions smaller than this are skipped. */
  eps?: number;
}

/**
 * Reduces the lr when a metric stops improving (torch.optim.lr_scheduler.ReduceLROnPlateau).
 * `step(metric)` is called once per epoch with the validation loss or accuracy.
 */
export class ReduceLROnPlateau extends Scheduler {
  factor: number;
  minLrs: number[];
  patience: number;
  cooldown: number;
  cooldownCounter = 0;
  mode: 'min' | 'max';
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  /** The best metric so far (Infinity or -Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  eps: number;
  lastEpoch = 0;

  constructor(optimizer: Optimizer, opts: ReduceLROnPlateauOptions = {}) {
    super(optimizer);
    this.factor = opts.factor ?? 0.1;
    if (this.factor >= 1) throw new ValueError('ReduceLROnPlateau: Factor should be < 1.0.');
    this.minLrs = perGroup('ReduceLROnPlateau', 'min_lr', optimizer, opts.minLr ?? 0);
    this.patience = opts.patience ?? 10;
    this.cooldown = opts.cooldown ?? 0;
    this.mode = opts.mode ?? 'min';
    this.threshold = opts.threshold ?? 1e-4;
    this.thresholdMode = opts.thresholdMode ?? 'rel';
    this.eps = opts.eps ?? 1e-8;
    this.checkModes();
    this.best = this.modeWorse;
  }

  /** Records one epoch's metric and reduces the lrs after `patience` epochs without improvement. */
  step(metric: number | Tensor): void {
    const current = isTensor(metric) ? metric.item() : metric;
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.groups.map((g) => g.lr);
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(stateDict);
    this.checkModes();
  }

  private reduceLr(): void {
    this.groups.forEach((group, i) => {
      const newLr = Math.max(group.lr * this.factor, this.minLrs[i]);
      if (group.lr - newLr > this.eps) group.lr = newLr;
    });
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min')
      return this.thresholdMode === 'rel'
        ? a < best * (1 - this.threshold)
        : a < best - this.threshold;
    return this.thresholdMode === 'rel'
      ? a > best * (this.threshold + 1)
      : a > best + this.threshold;
  }

  private get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  private checkModes(): void {
    if (this.mode !== 'min' && this.mode !== 'max')
      throw new ValueError(`ReduceLROnPlateau: mode ${this.mode} is unknown!`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs')
      throw new ValueError(`ReduceLROnPlateau: threshold mode ${this.thresholdMode} is unknown!`);
  }
}
