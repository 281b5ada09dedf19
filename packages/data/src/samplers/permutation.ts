import { Generator, randperm } from '@tensile/tensor';

/** randperm(n) as plain indices, the one shuffle every sampler and randomSplit share. */
export function randomPermutation(n: number, generator: Generator): Float64Array {
  return randperm(n, { generator }).dataSync() as Float64Array;
}

/**
 * A fresh generator seeded from `generator`, or from the default one when none is given:
 * PyTorch's RandomSampler draws such a seed per epoch so that the default stream moves on.
 */
export function forkGenerator(from: Generator): Generator {
  return new Generator(from.randint(0, 2 ** 32));
}

/** Rejects what PyTorch rejects for a sample count. */
export function checkPositiveInt(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new TypeError(`${name} should be a positive integer value, but got ${name}=${value}`);
  }
  return value;
}
