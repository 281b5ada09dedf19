import { ValueError } from '@tensile/tensor';
import type { Optimizer } from '../optimizer';
import { LRScheduler, perGroup, type SchedulerOptions } from './base';

export interface CyclicLROptions extends SchedulerOptions {
  /** Epochs (usually batches) of the rising half of a cycle. */
  stepSizeUp?: number;
  /** Epochs of the falling half (default stepSizeUp). */
  stepSizeDown?: number;
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** Base of the exp_range amplitude decay, gamma ** iterations. */
  gamma?: number;
  /** A custom amplitude scaling, overriding `mode`; it is not saved in the state dict. */
  scaleFn?: (x: number) => number;
  scaleMode?: 'cycle' | 'iterations';
  /** Cycle the groups' momentum inversely to the lr (needs an optimizer with momentum). */
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
}

/** How each built-in mode scales the amplitude: per cycle or per iteration. */
const MODE_SCALE_MODES: Record<string, 'cycle' | 'iterations'> = {
  triangular: 'cycle',
  triangular2: 'cycle',
  exp_range: 'iterations',
};

/**
 * Cycles the lr between `baseLr` and `maxLr` (and momentum the other way), stepped once per
 * batch (torch.optim.lr_scheduler.CyclicLR).
 */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleMode: 'cycle' | 'iterations';
  cycleMomentum: boolean;
  baseMomentums: number[] = [];
  maxMomentums: number[] = [];
  /** A custom amplitude scaling (not saved: functions cannot be). */
  scaleFn?: (x: number) => number;

  constructor(
    optimizer: Optimizer,
    baseLr: number | number[],
    maxLr: number | number[],
    opts: CyclicLROptions = {},
  ) {
    super(optimizer);
    const lastEpoch = opts.lastEpoch ?? -1;
    const baseLrs = perGroup('CyclicLR', 'base_lr', optimizer, baseLr);
    if (lastEpoch === -1)
      this.groups.forEach((g, i) => {
        g.lr = baseLrs[i];
      });
    this.maxLrs = perGroup('CyclicLR', 'max_lr', optimizer, maxLr);
    const up = opts.stepSizeUp ?? 2000;
    const down = opts.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = opts.mode ?? 'triangular';
    this.gamma = opts.gamma ?? 1;
    this.scaleFn = opts.scaleFn;
    if (this.scaleFn === undefined && !Object.hasOwn(MODE_SCALE_MODES, this.mode))
      throw new ValueError(`CyclicLR: mode ${this.mode} is invalid and scaleFn is not given`);
    this.scaleMode =
      this.scaleFn === undefined ? MODE_SCALE_MODES[this.mode] : (opts.scaleMode ?? 'cycle');
    this.cycleMomentum = opts.cycleMomentum ?? true;
    if (this.cycleMomentum) {
      if (!('momentum' in optimizer.defaults))
        throw new ValueError(
          'CyclicLR: optimizer must support momentum with `cycleMomentum` option enabled',
        );
      const base = perGroup('CyclicLR', 'base_momentum', optimizer, opts.baseMomentum ?? 0.8);
      if (lastEpoch === -1)
        this.groups.forEach((g, i) => {
          g.momentum = base[i];
        });
      this.baseMomentums = this.groups.map((g) => g.momentum as number);
      this.maxMomentums = perGroup('CyclicLR', 'max_momentum', optimizer, opts.maxMomentum ?? 0.9);
    }
    this.start(lastEpoch);
    this.baseLrs = baseLrs;
  }

  /** The amplitude scaling at `x` (cycle number or iteration, by `scaleMode`). */
  private scale(x: number): number {
    if (this.scaleFn !== undefined) return this.scaleFn(x);
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    if (this.mode === 'exp_range') return this.gamma ** x;
    return 1;
  }

  protected getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scale(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i] - base) * scaleFactor * scale);
    if (this.cycleMomentum) {
      this.groups.forEach((g, i) => {
        const height = (this.maxMomentums[i] - this.baseMomentums[i]) * scaleFactor;
        g.momentum = this.maxMomentums[i] - height * scale;
      });
    }
    return lrs;
  }
}
