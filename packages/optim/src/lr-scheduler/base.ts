import { ValueError } from '@tensile/tensor';
import { Optimizer, type ParamGroup } from '../optimizer';
import { copyValue } from '../state';

/** A scheduler's `stateDict()`: its own fields (not the optimizer, not functions), by name. */
export type SchedulerStateDict = Record<string, unknown>;

/** What every scheduler takes last: `lastEpoch` resumes a schedule (the groups need `initialLr`). */
export interface SchedulerOptions {
  lastEpoch?: number;
}

/**
 * What schedulers share: the optimizer whose group lrs they set, the last lrs they set, and
 * state dicts built from their fields as PyTorch builds them from `__dict__`.
 */
export abstract class Scheduler {
  readonly optimizer: Optimizer;
  protected lastLr: number[];

  constructor(optimizer: Optimizer) {
    if (!(optimizer instanceof Optimizer))
      throw new ValueError(`${this.constructor.name}: ${typeName(optimizer)} is not an Optimizer`);
    this.optimizer = optimizer;
    this.lastLr = this.groups.map((g) => g.lr);
  }

  /** The learning rate of each parameter group after the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Every field except the optimizer and functions (LambdaLR's lambdas, CyclicLR's scaleFn). */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    const skip = this.nonStateKeys();
    for (const [key, value] of Object.entries(this)) {
      if (skip.includes(key) || value === undefined || holdsFunction(value)) continue;
      out[key] = copyValue(value);
    }
    return out;
  }

  /** Restores the fields of a `stateDict()`; a key this scheduler does not have is an error. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const own = this.stateDict();
    for (const key of Object.keys(stateDict)) {
      if (!(key in own))
        throw new ValueError(
          `${this.constructor.name}.loadStateDict: unexpected key '${key}' (expected ${Object.keys(own).join(', ')})`,
        );
    }
    Object.assign(this, copyValue(stateDict));
  }

  /** Fields that are not state: the optimizer, and wrapped schedulers saved their own way. */
  protected nonStateKeys(): string[] {
    return ['optimizer'];
  }

  protected get groups(): ParamGroup[] {
    return this.optimizer.paramGroups;
  }
}

/**
 * Base of the epoch-driven schedulers (torch.optim.lr_scheduler._LRScheduler). `step()` advances
 * `lastEpoch` and sets each group's lr to `getLr()`, which is computed from the current lrs
 * (PyTorch's chainable form) so schedulers can be chained.
 */
export abstract class LRScheduler extends Scheduler {
  /** Each group's `initialLr`. */
  baseLrs: number[] = [];
  lastEpoch = -1;
  protected stepCount = 0;

  /**
   * PyTorch's `_LRScheduler.__init__` body; subclasses call it once their own fields are set,
   * since the first step already reads them.
   */
  protected start(lastEpoch = -1): void {
    this.groups.forEach((group, i) => {
      if (lastEpoch === -1) group.initialLr ??= group.lr;
      else if (group.initialLr === undefined)
        throw new ValueError(
          `${this.constructor.name}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`,
        );
    });
    this.baseLrs = this.groups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
    this.initialStep();
  }

  /** Resets the step count and takes the first step (PyTorch's `_initial_step`; SequentialLR calls it). */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /**
   * Advances the schedule by one epoch. Passing `epoch` (deprecated in PyTorch) jumps there, using
   * the closed form where the scheduler has one.
   */
  step(epoch?: number): void {
    this.stepCount += 1;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr?.() ?? this.getLr();
    }
    this.setLrs(values);
  }

  protected setLrs(values: number[]): void {
    this.groups.forEach((group, i) => {
      group.lr = values[i];
    });
    this.lastLr = this.groups.map((g) => g.lr);
  }

  /** The lrs for `lastEpoch`, from the groups' current lrs. */
  protected abstract getLr(): number[];

  /** The lrs for `lastEpoch` computed from `baseLrs` directly, where there is such a formula. */
  protected closedFormLr?(): number[];
}

/** One value per parameter group: a list must have one per group, a number is repeated. */
export function perGroup<T>(
  scheduler: string,
  name: string,
  optimizer: Optimizer,
  value: T | T[],
): T[] {
  const n = optimizer.paramGroups.length;
  if (!Array.isArray(value)) return new Array(n).fill(value);
  if (value.length !== n)
    throw new ValueError(`${scheduler}: expected ${n} values for ${name}, got ${value.length}`);
  return [...value];
}

function holdsFunction(value: unknown): boolean {
  return (
    typeof value === 'function' ||
    (Array.isArray(value) && value.some((v) => typeof v === 'function'))
  );
}

function typeName(x: unknown): string {
  return typeof x === 'object' && x !== null ? x.constructor.name : typeof x;
}
