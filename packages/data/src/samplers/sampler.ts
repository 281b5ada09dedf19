import { defaultGenerator, type Generator } from '@tensile/tensor';
import { checkPositiveInt, forkGenerator, randomPermutation } from './permutation';

/** Base class of samplers: an iterable of indices (or of index lists) with a length. */
export abstract class Sampler<T = number> implements Iterable<T> {
  abstract get length(): number;
  abstract [Symbol.iterator](): Iterator<T>;
}

/** 0, 1, ..., n - 1 (torch.utils.data.SequentialSampler). */
export class SequentialSampler extends Sampler {
  constructor(readonly dataSource: { readonly length: number }) {
    super();
  }

  get length(): number {
    return this.dataSource.length;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.dataSource.length; i++) yield i;
  }
}

export interface RandomSamplerOptions {
  /** Draw with replacement (then `numSamples` may exceed the dataset's length). */
  replacement?: boolean;
  /** How many indices per epoch; defaults to the dataset's length. */
  numSamples?: number;
  generator?: Generator;
}

/** Random indices, a new order every epoch (torch.utils.data.RandomSampler). */
export class RandomSampler extends Sampler {
  readonly replacement: boolean;
  readonly generator: Generator | undefined;
  private readonly requestedSamples: number | undefined;

  constructor(
    readonly dataSource: { readonly length: number },
    opts: RandomSamplerOptions = {},
  ) {
    super();
    const { replacement = false, numSamples, generator } = opts;
    if (typeof replacement !== 'boolean') {
      throw new TypeError(
        `replacement should be a boolean value, but got replacement=${replacement}`,
      );
    }
    if (numSamples !== undefined) checkPositiveInt(numSamples, 'numSamples');
    this.replacement = replacement;
    this.requestedSamples = numSamples;
    this.generator = generator;
  }

  /** Read per epoch, as in PyTorch, since the data source may grow. */
  get numSamples(): number {
    return this.requestedSamples ?? this.dataSource.length;
  }

  get length(): number {
    return this.numSamples;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    const g = this.generator ?? forkGenerator(defaultGenerator);
    if (this.replacement) {
      for (let i = 0; i < this.numSamples; i++) yield g.randint(0, n);
      return;
    }
    for (let left = this.numSamples; left > 0; left -= n) {
      yield* randomPermutation(n, g).subarray(0, Math.min(left, n));
    }
  }
}

/** The given indices in a random order, new every epoch (torch.utils.data.SubsetRandomSampler). */
export class SubsetRandomSampler extends Sampler {
  readonly indices: readonly number[];
  readonly generator: Generator | undefined;

  constructor(indices: ArrayLike<number>, opts: { generator?: Generator } = {}) {
    super();
    this.indices = Array.from(indices);
    this.generator = opts.generator;
  }

  get length(): number {
    return this.indices.length;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (const i of randomPermutation(this.indices.length, this.generator ?? defaultGenerator)) {
      yield this.indices[i];
    }
  }
}
