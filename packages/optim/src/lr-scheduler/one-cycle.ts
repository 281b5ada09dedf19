import { ValueError } from '@tensile/tensor';
import type { Optimizer } from '../optimizer';
import { LRScheduler, perGroup, type SchedulerOptions } from './base';

export interface OneCycleLROptions extends SchedulerOptions {
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr. */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or Adam's beta1) inversely to the lr. */
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  /** initialLr = maxLr / divFactor. */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor. */
  finalDivFactor?: number;
  /** A third phase anneals from initialLr down to minLr (fast.ai's schedule has two). */
  threePhase?: boolean;
}

/** One phase of the cycle: the step it ends at and the group entries it anneals between. */
export interface OneCyclePhase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/**
 * The 1cycle policy: the lr rises from maxLr / divFactor to maxLr, then anneals far below the
 * start, while momentum moves the other way; stepped once per batch
 * (torch.optim.lr_scheduler.OneCycleLR).
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  schedulePhases: OneCyclePhase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1 = false;

  constructor(optimizer: Optimizer, maxLr: number | number[], opts: OneCycleLROptions = {}) {
    super(optimizer);
    this.totalSteps = totalStepsOf(opts);
    const pctStart = opts.pctStart ?? 0.3;
    this.schedulePhases = phases(this.totalSteps, pctStart, opts.threePhase ?? false);
    if (pctStart < 0 || pctStart > 1)
      throw new ValueError(
        `OneCycleLR: Expected float between 0 and 1 pct_start, but got ${pctStart}`,
      );
    this.annealStrategy = opts.annealStrategy ?? 'cos';
    if (this.annealStrategy !== 'cos' && this.annealStrategy !== 'linear')
      throw new ValueError(
        `OneCycleLR: anneal_strategy must by one of 'cos' or 'linear', instead got ${this.annealStrategy}`,
      );
    const lastEpoch = opts.lastEpoch ?? -1;
    const maxLrs = perGroup('OneCycleLR', 'max_lr', optimizer, maxLr);
    const divFactor = opts.divFactor ?? 25;
    const finalDivFactor = opts.finalDivFactor ?? 1e4;
    if (lastEpoch === -1)
      this.groups.forEach((g, i) => {
        const initialLr = maxLrs[i] / divFactor;
        g.initialLr = initialLr;
        g.maxLr = maxLrs[i];
        g.minLr = initialLr / finalDivFactor;
      });
    this.cycleMomentum = opts.cycleMomentum ?? true;
    if (this.cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults))
        throw new ValueError(
          'OneCycleLR: optimizer must support momentum with `cycleMomentum` option enabled',
        );
      this.useBeta1 = 'betas' in optimizer.defaults;
      const maxMomentums = perGroup(
        'OneCycleLR',
        'max_momentum',
        optimizer,
        opts.maxMomentum ?? 0.95,
      );
      const baseMomentums = perGroup(
        'OneCycleLR',
        'base_momentum',
        optimizer,
        opts.baseMomentum ?? 0.85,
      );
      if (lastEpoch === -1)
        this.groups.forEach((g, i) => {
          this.setMomentum(g, maxMomentums[i]);
          g.maxMomentum = maxMomentums[i];
          g.baseMomentum = baseMomentums[i];
        });
    }
    this.start(lastEpoch);
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps)
      throw new ValueError(
        `OneCycleLR: Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`,
      );
    const anneal = this.annealStrategy === 'cos' ? annealCos : annealLinear;
    // The phase this step falls in: the first that ends at or after it, else the last.
    const last = this.schedulePhases.length - 1;
    let p = 0;
    while (p < last && stepNum > this.schedulePhases[p].endStep) p++;
    const phase = this.schedulePhases[p];
    const startStep = p === 0 ? 0 : this.schedulePhases[p - 1].endStep;
    const pct = (stepNum - startStep) / (phase.endStep - startStep);
    return this.groups.map((group) => {
      const value = (key: string) => group[key] as number;
      if (this.cycleMomentum)
        this.setMomentum(group, anneal(value(phase.startMomentum), value(phase.endMomentum), pct));
      return anneal(value(phase.startLr), value(phase.endLr), pct);
    });
  }

  private setMomentum(group: Record<string, unknown>, momentum: number): void {
    if (this.useBeta1) group.betas = [momentum, ...(group.betas as number[]).slice(1)];
    else group.momentum = momentum;
  }
}

function totalStepsOf(opts: OneCycleLROptions): number {
  const positiveInt = (name: string, v: number | undefined): number => {
    if (v === undefined || v <= 0 || !Number.isInteger(v))
      throw new ValueError(`OneCycleLR: Expected positive integer ${name}, but got ${v}`);
    return v;
  };
  if (opts.totalSteps !== undefined) return positiveInt('total_steps', opts.totalSteps);
  if (opts.epochs === undefined && opts.stepsPerEpoch === undefined)
    throw new ValueError(
      'OneCycleLR: You must define either total_steps OR (epochs AND steps_per_epoch)',
    );
  return positiveInt('epochs', opts.epochs) * positiveInt('steps_per_epoch', opts.stepsPerEpoch);
}

function phases(totalSteps: number, pctStart: number, threePhase: boolean): OneCyclePhase[] {
  const phase = (endStep: number, lr: [string, string], momentum: [string, string]) => ({
    endStep,
    startLr: lr[0],
    endLr: lr[1],
    startMomentum: momentum[0],
    endMomentum: momentum[1],
  });
  const rise = phase(
    pctStart * totalSteps - 1,
    ['initialLr', 'maxLr'],
    ['maxMomentum', 'baseMomentum'],
  );
  if (!threePhase)
    return [rise, phase(totalSteps - 1, ['maxLr', 'minLr'], ['baseMomentum', 'maxMomentum'])];
  return [
    rise,
    phase(2 * pctStart * totalSteps - 2, ['maxLr', 'initialLr'], ['baseMomentum', 'maxMomentum']),
    phase(totalSteps - 1, ['initialLr', 'minLr'], ['maxMomentum', 'maxMomentum']),
  ];
}

/** Cosine anneal from `start` to `end` as pct goes from 0 to 1. */
function annealCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2) * cosOut;
}

function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}
