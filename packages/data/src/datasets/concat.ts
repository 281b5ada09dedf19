import { ValueError } from '@tensile/tensor';
import { DataLoaderError } from '../errors';
import {
  type AnyIterable,
  checkIndex,
  Dataset,
  IterableDataset,
  isMapStyle,
  lengthOf,
  type MapDataset,
  type WorkerSpec,
} from './dataset';

/** Map-style datasets one after another (torch.utils.data.ConcatDataset). */
export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: readonly MapDataset<T>[];
  /** Running totals of the lengths, for finding which dataset holds an index. */
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: Iterable<MapDataset<T>>) {
    super();
    this.datasets = [...datasets];
    if (this.datasets.length === 0)
      throw new ValueError('datasets should not be an empty iterable');
    if (this.datasets.some((d) => !isMapStyle(d))) {
      throw new ValueError('ConcatDataset does not support IterableDataset: use ChainDataset');
    }
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => {
      total += d.length;
      return total;
    });
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }

  get(index: number): T {
    const i = checkIndex(index, this.length, 'ConcatDataset');
    const k = bisectRight(this.cumulativeSizes, i);
    return this.datasets[k].get(k === 0 ? i : i - this.cumulativeSizes[k - 1]);
  }

  override workerSpec(): WorkerSpec {
    return { module: '@tensile/data', export: 'ConcatDataset', args: [this.datasets] };
  }
}

/** The first position whose value is greater than x, in a sorted array. */
function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < sorted[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Iterable datasets one after another, built lazily (torch.utils.data.ChainDataset). */
export class ChainDataset<T> extends IterableDataset<T> {
  readonly datasets: readonly AnyIterable<T>[];

  constructor(datasets: Iterable<AnyIterable<T>>) {
    super();
    this.datasets = [...datasets];
  }

  get length(): number {
    return this.datasets.reduce((sum, d) => sum + lengthOf(d), 0);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (const d of this.datasets) {
      if (!(Symbol.iterator in d)) {
        throw new DataLoaderError(
          'ChainDataset holds an async-only dataset: iterate with for await',
        );
      }
      yield* d;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const d of this.datasets) yield* d;
  }

  override workerSpec(): WorkerSpec {
    return { module: '@tensile/data', export: 'ChainDataset', args: [this.datasets] };
  }
}
