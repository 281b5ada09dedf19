import { Generator, ValueError } from '@tensile/tensor';
import { randomPermutation } from './permutation';
import { Sampler } from './sampler';

export interface DistributedSamplerOptions {
  /** How many processes share the dataset (the world size). */
  numReplicas: number;
  /** This process's rank in [0, numReplicas - 1]. */
  rank: number;
  shuffle?: boolean;
  /** Must be the same on every replica so that they shuffle alike. */
  seed?: number;
  /** Drop the tail instead of padding so every replica gets the same count. */
  dropLast?: boolean;
}

/**
 * The rank-th of numReplicas interleaved shards of the dataset (torch.utils.data.DistributedSampler).
 * Without dropLast the index list is padded with its own head to a multiple of numReplicas.
 * Call setEpoch(epoch) before each epoch: the shuffle is seeded with seed + epoch.
 */
export class DistributedSampler extends Sampler {
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  epoch = 0;

  constructor(
    readonly dataset: { readonly length: number },
    opts: DistributedSamplerOptions,
  ) {
    super();
    const { numReplicas, rank, shuffle = true, seed = 0, dropLast = false } = opts;
    if (!Number.isInteger(numReplicas) || numReplicas < 1) {
      throw new ValueError(
        `numReplicas should be a positive integer, but got numReplicas=${numReplicas}`,
      );
    }
    if (!Number.isInteger(rank) || rank >= numReplicas || rank < 0) {
      throw new ValueError(
        `Invalid rank ${rank}, rank should be in the interval [0, ${numReplicas - 1}]`,
      );
    }
    this.numReplicas = numReplicas;
    this.rank = rank;
    this.shuffle = shuffle;
    this.seed = seed;
    this.dropLast = dropLast;
  }

  /** Indices per replica. */
  get numSamples(): number {
    const n = this.dataset.length;
    if (this.dropLast && n % this.numReplicas !== 0) {
      return Math.ceil((n - this.numReplicas) / this.numReplicas);
    }
    return Math.ceil(n / this.numReplicas);
  }

  get totalSize(): number {
    return this.numSamples * this.numReplicas;
  }

  get length(): number {
    return this.numSamples;
  }

  setEpoch(epoch: number): void {
    this.epoch = epoch;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataset.length;
    const base = this.shuffle
      ? Array.from(randomPermutation(n, new Generator(this.seed + this.epoch)))
      : Array.from({ length: n }, (_, i) => i);
    const indices = this.dropLast ? base.slice(0, this.totalSize) : padTo(base, this.totalSize);
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) yield indices[i];
  }
}

/** Repeats the list from its start until it has `size` entries (PyTorch's padding). */
function padTo(indices: number[], size: number): number[] {
  const out = indices.slice();
  for (let i = 0; out.length < size; i++) out.push(indices[i % indices.length]);
  return out;
}
