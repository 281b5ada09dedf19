import { defaultGenerator, type Generator, ValueError } from '@tensile/tensor';
import { randomPermutation } from '../samplers/permutation';
import { asMapDataset, checkIndex, Dataset, type MapDataset, type WorkerSpec } from './dataset';

/** The samples of `dataset` at `indices`, in that order (torch.utils.data.Subset). */
export class Subset<T> extends Dataset<T> {
  /** What was split, as given: a dataset or a plain array (PyTorch splits any sequence). */
  readonly dataset: MapDataset<T> | readonly T[];
  readonly indices: readonly number[];
  private readonly source: MapDataset<T>;

  constructor(dataset: MapDataset<T> | readonly T[], indices: ArrayLike<number>) {
    super();
    this.dataset = dataset;
    this.source = asMapDataset(dataset);
    this.indices = Array.from(indices);
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    return this.source.get(this.indices[checkIndex(index, this.indices.length, 'Subset')]);
  }

  override workerSpec(): WorkerSpec {
    return { module: '@tensile/data', export: 'Subset', args: [this.dataset, this.indices] };
  }
}

/** PyTorch's rounding: floor each fraction's share, then hand out the rest one by one from the first. */
function lengthsFromFractions(fractions: readonly number[], n: number): number[] {
  const lengths = fractions.map((frac, i) => {
    if (frac < 0 || frac > 1) throw new ValueError(`Fraction at index ${i} is not between 0 and 1`);
    return Math.floor(n * frac);
  });
  const remainder = n - lengths.reduce((a, b) => a + b, 0);
  for (let i = 0; i < remainder; i++) lengths[i % lengths.length] += 1;
  lengths.forEach((len, i) => {
    if (len === 0) {
      process.emitWarning(
        `Length of split at index ${i} is 0. This might result in an empty dataset.`,
      );
    }
  });
  return lengths;
}

/**
 * Splits a dataset into non-overlapping random subsets (torch.utils.data.random_split).
 * `lengths` are sizes, or fractions summing to 1.
 */
export function randomSplit<T>(
  dataset: MapDataset<T> | readonly T[],
  lengths: readonly number[],
  opts: { generator?: Generator } = {},
): Subset<T>[] {
  const n = dataset.length;
  const total = lengths.reduce((a, b) => a + b, 0);
  const sizes =
    Math.abs(total - 1) <= 1e-9 && total <= 1 ? lengthsFromFractions(lengths, n) : lengths;
  if (sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new ValueError('Sum of input lengths does not equal the length of the input dataset!');
  }
  const perm = randomPermutation(n, opts.generator ?? defaultGenerator);
  let offset = 0;
  return sizes.map((size) => {
    offset += size;
    return new Subset(dataset, perm.subarray(offset - size, offset));
  });
}
