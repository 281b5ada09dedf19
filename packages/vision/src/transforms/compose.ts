import type { WorkerSpec } from '@tensile/data';
import { ValueError } from '@tensile/tensor';
import { describe } from '../tensor-util';
import type { AnyTransform } from './transform';
import {
  applyTransform,
  checkProbability,
  type RandomOptions,
  rng,
  Transform,
  transformSpec,
} from './transform';

function checkTransforms(op: string, transforms: readonly AnyTransform[]): void {
  if (!Array.isArray(transforms))
    throw new ValueError(
      `${op}: argument transforms should be a list, got ${describe(transforms)}`,
    );
  transforms.forEach((t, i) => {
    if (typeof t !== 'function' && !(t instanceof Transform)) {
      throw new ValueError(
        `${op}: transforms[${i}] is neither a Transform nor a function (${describe(t)})`,
      );
    }
  });
}

/** Refuses plain functions, which cannot be sent to worker threads. */
function checkSendable(op: string, transforms: readonly AnyTransform[]): void {
  const i = transforms.findIndex((t) => typeof t === 'function');
  if (i >= 0) {
    throw new ValueError(
      `${op}: transforms[${i}] is a plain function, which cannot be sent to DataLoader workers; ` +
        'write it as a Transform subclass with a workerSpec(), or use numWorkers: 0',
    );
  }
}

function listString(name: string, transforms: readonly AnyTransform[], extra = ''): string {
  const lines = transforms.map(
    (t) => `    ${typeof t === 'function' ? t.name || 'function' : t.toString()}`,
  );
  return `${name}(${extra}\n${lines.join('\n')}\n)`;
}

/** Applies the transforms one after another (torchvision's Compose). */
export class Compose<I = unknown, O = unknown> extends Transform<I, O> {
  constructor(readonly transforms: readonly AnyTransform[]) {
    super();
    checkTransforms('Compose', transforms);
  }
  call(input: I): O {
    let x: unknown = input;
    for (const t of this.transforms) x = applyTransform(t, x as never);
    return x as O;
  }
  workerSpec(): WorkerSpec {
    checkSendable('Compose', this.transforms);
    return transformSpec(import.meta.url, 'Compose', [this.transforms]);
  }
  override toString(): string {
    return listString('Compose', this.transforms);
  }
}

/** A function as a transform. It runs in the main thread only: functions cannot go to workers. */
export class Lambda<I = unknown, O = unknown> extends Transform<I, O> {
  constructor(readonly fn: (input: I) => O) {
    super();
    if (typeof fn !== 'function')
      throw new ValueError(`Lambda: argument fn should be callable, got ${describe(fn)}`);
  }
  call(input: I): O {
    return this.fn(input);
  }
  workerSpec(): WorkerSpec {
    throw new ValueError(
      'Lambda: a function cannot be sent to DataLoader workers; write it as a Transform subclass ' +
        'with a workerSpec(), or use numWorkers: 0',
    );
  }
}

/** Applies all the transforms with probability p, else none. */
export class RandomApply<T = unknown> extends Transform<T, T> {
  constructor(
    readonly transforms: readonly AnyTransform[],
    readonly p = 0.5,
    readonly opts: RandomOptions = {},
  ) {
    super();
    checkTransforms('RandomApply', transforms);
    checkProbability('RandomApply', p);
  }
  call(input: T): T {
    if (this.p < rng(this.opts).random()) return input;
    let x: unknown = input;
    for (const t of this.transforms) x = applyTransform(t, x as never);
    return x as T;
  }
  workerSpec(): WorkerSpec {
    checkSendable('RandomApply', this.transforms);
    return transformSpec(import.meta.url, 'RandomApply', [this.transforms, this.p, this.opts]);
  }
  override toString(): string {
    return listString('RandomApply', this.transforms, `\n    p=${this.p}`);
  }
}

/** Applies one transform picked at random (weights `p`, uniform by default). */
export class RandomChoice<I = unknown, O = unknown> extends Transform<I, O> {
  constructor(
    readonly transforms: readonly AnyTransform[],
    readonly opts: RandomOptions & { p?: readonly number[] } = {},
  ) {
    super();
    checkTransforms('RandomChoice', transforms);
    if (transforms.length === 0) throw new ValueError('RandomChoice: needs at least one transform');
    const p = opts.p;
    if (
      p !== undefined &&
      (p.length !== transforms.length || p.some((w) => !(w >= 0)) || !p.some((w) => w > 0))
    ) {
      throw new ValueError(
        `RandomChoice: p must hold ${transforms.length} non-negative weights, not all zero; got [${p.join(', ')}]`,
      );
    }
  }
  call(input: I): O {
    const weights = this.opts.p ?? this.transforms.map(() => 1);
    const r = rng(this.opts).random() * weights.reduce((a, b) => a + b, 0);
    let cumulative = 0;
    let k = weights.findIndex((w) => {
      cumulative += w;
      return r < cumulative;
    });
    if (k < 0) k = weights.findLastIndex((w) => w > 0); // r landed on the total through rounding
    return applyTransform(this.transforms[k], input as never) as O;
  }
  workerSpec(): WorkerSpec {
    checkSendable('RandomChoice', this.transforms);
    return transformSpec(import.meta.url, 'RandomChoice', [this.transforms, this.opts]);
  }
  override toString(): string {
    return `${listString('RandomChoice', this.transforms)}(p=${this.opts.p ?? 'None'})`;
  }
}

/** Applies the transforms in a random order. */
export class RandomOrder<T = unknown> extends Transform<T, T> {
  constructor(
    readonly transforms: readonly AnyTransform[],
    readonly opts: RandomOptions = {},
  ) {
    super();
    checkTransforms('RandomOrder', transforms);
  }
  call(input: T): T {
    const g = rng(this.opts);
    const order = this.transforms.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = g.randint(0, i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    let x: unknown = input;
    for (const i of order) x = applyTransform(this.transforms[i], x as never);
    return x as T;
  }
  workerSpec(): WorkerSpec {
    checkSendable('RandomOrder', this.transforms);
    return transformSpec(import.meta.url, 'RandomOrder', [this.transforms, this.opts]);
  }
  override toString(): string {
    return listString('RandomOrder', this.transforms);
  }
}
