import { ValueError } from '@tensile/tensor';
import type { Optimizer } from '../optimizer';
import {
  type LRScheduler,
  Scheduler,
  type SchedulerOptions,
  type SchedulerStateDict,
} from './base';

/** State dicts of the wrapped schedulers go under `schedulers`, one each. */
abstract class CompositeScheduler extends Scheduler {
  readonly schedulers: LRScheduler[];

  constructor(optimizer: Optimizer, schedulers: LRScheduler[]) {
    super(optimizer);
    this.schedulers = [...schedulers];
  }

  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  protected override nonStateKeys(): string[] {
    return ['optimizer', 'schedulers'];
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    const { schedulers, ...own } = stateDict;
    if (!Array.isArray(schedulers) || schedulers.length !== this.schedulers.length)
      throw new ValueError(
        `${this.constructor.name}.loadStateDict: expected the state of ${this.schedulers.length} schedulers`,
      );
    super.loadStateDict(own);
    this.schedulers.forEach((s, i) => {
      s.loadStateDict(schedulers[i]);
    });
  }
}

/**
 * Runs schedulers one after another, switching at the milestone epochs
 * (torch.optim.lr_scheduler.SequentialLR); e.g. a linear warmup, then cosine decay.
 */
export class SequentialLR extends CompositeScheduler {
  milestones: number[];
  lastEpoch: number;

  constructor(
    optimizer: Optimizer,
    schedulers: LRScheduler[],
    milestones: number[],
    opts: SchedulerOptions = {},
  ) {
    super(optimizer, schedulers);
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer)
        throw new ValueError(
          `SequentialLR: Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
    });
    if (milestones.length !== schedulers.length - 1)
      throw new ValueError(
        `SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    this.milestones = [...milestones];
    this.lastEpoch = (opts.lastEpoch ?? -1) + 1;
    // Undo the first step each scheduler took when it was built, then start the first one.
    for (const group of this.groups) group.lr = group.initialLr as number;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0].initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }
}

/**
 * Steps several schedulers together each epoch, so their factors multiply
 * (torch.optim.lr_scheduler.ChainedScheduler).
 */
export class ChainedScheduler extends CompositeScheduler {
  constructor(schedulers: LRScheduler[]) {
    if (schedulers.length === 0)
      throw new ValueError('ChainedScheduler: expects at least one scheduler');
    super(schedulers[0].optimizer, schedulers);
    schedulers.forEach((s, i) => {
      if (s.optimizer !== schedulers[0].optimizer)
        throw new ValueError(
          `ChainedScheduler: ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`,
        );
    });
  }

  step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = this.groups.map((g) => g.lr);
  }
}
