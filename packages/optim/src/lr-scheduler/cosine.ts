import { ValueError } from '@tensile/tensor';
import type { Optimizer } from '../optimizer';
import { LRScheduler, type SchedulerOptions } from './base';

/**
 * Cosine annealing from the initial lr to `etaMin` over `TMax` epochs, then back up (SGDR without
 * restarts; torch.optim.lr_scheduler.CosineAnnealingLR). Uses PyTorch's recursive form, so it
 * composes with other schedulers changing the lr.
 */
export class CosineAnnealingLR extends LRScheduler {
  TMax: number;
  etaMin: number;

  constructor(
    optimizer: Optimizer,
    TMax: number,
    opts: SchedulerOptions & { etaMin?: number } = {},
  ) {
    super(optimizer);
    this.TMax = TMax;
    this.etaMin = opts.etaMin ?? 0;
    this.start(opts.lastEpoch);
  }

  protected getLr(): number[] {
    const { lastEpoch: epoch, TMax, etaMin } = this;
    if (epoch === 0) return this.groups.map((g) => g.lr);
    if (this.stepCount === 1 && epoch > 0)
      return this.baseLrs.map(
        (lr) => etaMin + ((lr - etaMin) * (1 + Math.cos((epoch * Math.PI) / TMax))) / 2,
      );
    if ((epoch - 1 - TMax) % (2 * TMax) === 0)
      return this.groups.map(
        (g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / TMax))) / 2,
      );
    const ratio =
      (1 + Math.cos((Math.PI * epoch) / TMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / TMax));
    return this.groups.map((g) => ratio * (g.lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: epoch, TMax, etaMin } = this;
    return this.baseLrs.map(
      (lr) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * epoch) / TMax))) / 2,
    );
  }
}

/**
 * Cosine annealing with warm restarts every `T0`, `T0 * TMult`, ... epochs (SGDR;
 * torch.optim.lr_scheduler.CosineAnnealingWarmRestarts). `step(epoch)` accepts fractional
 * epochs, for stepping once per batch.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  T0: number;
  Ti: number;
  TMult: number;
  etaMin: number;
  TCur: number;

  constructor(
    optimizer: Optimizer,
    T0: number,
    opts: SchedulerOptions & { TMult?: number; etaMin?: number } = {},
  ) {
    super(optimizer);
    const TMult = opts.TMult ?? 1;
    if (T0 <= 0 || !Number.isInteger(T0))
      throw new ValueError(
        `CosineAnnealingWarmRestarts: Expected positive integer T_0, but got ${T0}`,
      );
    if (TMult < 1 || !Number.isInteger(TMult))
      throw new ValueError(
        `CosineAnnealingWarmRestarts: Expected integer T_mult >= 1, but got ${TMult}`,
      );
    this.T0 = T0;
    this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = opts.etaMin ?? 0;
    this.TCur = opts.lastEpoch ?? -1;
    this.start(opts.lastEpoch);
  }

  protected getLr(): number[] {
    const cos = Math.cos((Math.PI * this.TCur) / this.Ti);
    return this.baseLrs.map((lr) => this.etaMin + ((lr - this.etaMin) * (1 + cos)) / 2);
  }

  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.TCur += 1;
      if (this.TCur >= this.Ti) {
        this.TCur -= this.Ti;
        this.Ti *= this.TMult;
      }
    } else {
      if (epoch < 0)
        throw new ValueError(
          `CosineAnnealingWarmRestarts: Expected non-negative epoch, but got ${epoch}`,
        );
      this.setCycle(epoch);
    }
    this.lastEpoch = Math.floor(epoch);
    this.setLrs(this.getLr());
  }

  /** Finds the restart cycle that `epoch` falls in. */
  private setCycle(epoch: number): void {
    if (epoch < this.T0) {
      this.Ti = this.T0;
      this.TCur = epoch;
    } else if (this.TMult === 1) {
      this.TCur = epoch % this.T0;
    } else {
      const n = Math.trunc(
        Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult),
      );
      this.TCur = epoch - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
      this.Ti = this.T0 * this.TMult ** n;
    }
  }
}
