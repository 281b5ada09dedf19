import type { WorkerSpec } from '@tensile/data';
import { defaultGenerator, Generator, ValueError } from '@tensile/tensor';
import type { Img } from '../functional/common';

/** A transform: a Transform instance or a plain function (plain functions cannot go to workers). */
export type TransformLike<I = unknown, O = unknown> = Transform<I, O> | ((input: I) => O);

/** Any transform, whatever it takes and returns: what Compose and friends hold. */
export type AnyTransform = TransformLike<never, unknown>;

/** Options of the random transforms: draws come from `generator`, or the default generator. */
export interface RandomOptions {
  generator?: Generator;
}

/**
 * Base class of the transforms: `call(input)` applies it. `workerSpec()` tells DataLoader
 * workers how to rebuild it (its module, export and constructor arguments), so that a dataset
 * holding transforms can be loaded with `numWorkers > 0`.
 */
export abstract class Transform<I = unknown, O = unknown> {
  abstract call(input: I): O;
  abstract workerSpec(): WorkerSpec;

  toString(): string {
    return `${this.constructor.name}()`;
  }
}

export function applyTransform<I, O>(t: TransformLike<I, O>, input: I): O {
  return typeof t === 'function' ? t(input) : t.call(input);
}

function hasGenerator(x: unknown): boolean {
  if (x instanceof Generator) return true;
  if (Array.isArray(x)) return x.some(hasGenerator);
  if (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype) {
    return Object.values(x).some(hasGenerator);
  }
  return false;
}

/**
 * A WorkerSpec for a transform built as `new <name>(...args)` from `module`. A transform with
 * its own generator is refused: copies in every worker would repeat the same draws.
 */
export function transformSpec(module: string, name: string, args: unknown[]): WorkerSpec {
  if (hasGenerator(args)) {
    throw new ValueError(
      `${name}: a transform with its own generator cannot be sent to DataLoader workers ` +
        '(every worker would repeat the same random draws). Leave generator unset: each worker ' +
        'seeds its default generator differently.',
    );
  }
  return { module, export: name, args };
}

/** The generator a random transform draws from. */
export function rng(opts: RandomOptions): Generator {
  return opts.generator ?? defaultGenerator;
}

/** Uniform in [low, high). */
export function uniform(g: Generator, low: number, high: number): number {
  return low + (high - low) * g.random();
}

export function checkProbability(op: string, p: number): void {
  if (!(p >= 0 && p <= 1))
    throw new ValueError(`${op}: probability p should be between 0 and 1, got ${p}`);
}

/**
 * A transform applied with probability p, else the input is returned as is: the base of the
 * flips, RandomGrayscale, RandomInvert and the like. Subclasses give `apply`, their module
 * (`import.meta.url`, for workers) and any constructor arguments before p.
 */
export abstract class RandomApplied extends Transform<Img, Img> {
  protected abstract readonly moduleUrl: string;

  constructor(
    readonly p = 0.5,
    readonly opts: RandomOptions = {},
  ) {
    super();
    checkProbability(this.constructor.name, p);
  }

  protected abstract apply<T extends Img>(img: T): T;

  /** Constructor arguments that come before p (RandomPosterize's bits, ...). */
  protected leadingArgs(): unknown[] {
    return [];
  }

  call<T extends Img>(img: T): T {
    return rng(this.opts).random() < this.p ? this.apply(img) : img;
  }

  workerSpec(): WorkerSpec {
    return transformSpec(this.moduleUrl, this.constructor.name, [
      ...this.leadingArgs(),
      this.p,
      this.opts,
    ]);
  }

  override toString(): string {
    return `${this.constructor.name}(p=${this.p})`;
  }
}
