import { type Generator, ValueError } from '@tensile/tensor';
import type { ModuleRef } from './datasets/dataset';
import { BatchSampler } from './samplers/batch';
import { checkPositiveInt } from './samplers/permutation';
import { RandomSampler, SequentialSampler } from './samplers/sampler';

/** A sampler: any iterable of indices; `length` is needed only for the loader's length. */
export type SamplerLike<I = number> = Iterable<I> & { readonly length?: number };

export interface DataLoaderOptions<T, B> {
  /** Samples per batch; null turns batching off (each item is one sample). Default 1. */
  batchSize?: number | null;
  /** A new random order every epoch; repeats exactly across runs with a seeded `generator`. */
  shuffle?: boolean;
  sampler?: SamplerLike;
  /** Yields whole lists of indices; excludes batchSize, shuffle, sampler and dropLast. */
  batchSampler?: SamplerLike<number[]>;
  /** Worker threads that load batches in parallel; 0 loads in the main thread. */
  numWorkers?: number;
  /**
   * Merges the samples of a batch (with batchSize null: converts one sample). With workers a
   * custom function runs in the main thread; the default collate runs in the workers.
   */
  collateFn?: (batch: T[]) => B;
  /** Accepted for PyTorch compatibility; there is no pinned memory on the CPU. */
  pinMemory?: boolean;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Seconds to wait for a batch from the workers before failing; 0 waits forever. */
  timeout?: number;
  /** A function exported by a module, called as fn(workerId) in each worker once it has its dataset. */
  workerInitFn?: ModuleRef;
  /** Batches loaded ahead per worker (default 2 with workers). */
  prefetchFactor?: number;
  /** Keep the workers between epochs instead of starting new ones each epoch. */
  persistentWorkers?: boolean;
  /** Drives shuffling and the workers' base seed. */
  generator?: Generator;
}

export interface ResolvedOptions {
  batchSize: number | null;
  dropLast: boolean;
  sampler: SamplerLike | null;
  batchSampler: SamplerLike<number[]> | null;
  numWorkers: number;
  timeout: number;
  prefetchFactor: number | null;
  persistentWorkers: boolean;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new ValueError(message);
}

function checkWorkerOptions<T, B>(o: DataLoaderOptions<T, B>): void {
  const numWorkers = o.numWorkers ?? 0;
  check(
    Number.isInteger(numWorkers) && numWorkers >= 0,
    'numWorkers option should be non-negative; use numWorkers=0 to disable multiprocessing.',
  );
  check((o.timeout ?? 0) >= 0, 'timeout option should be non-negative');
  check(numWorkers > 0 || !o.timeout, 'timeout option needs numWorkers > 0');
  check(
    numWorkers > 0 || o.prefetchFactor == null,
    'prefetchFactor option could only be specified in multiprocessing. Let numWorkers > 0 to ' +
      'enable multiprocessing, otherwise set prefetchFactor to null.',
  );
  check(
    o.prefetchFactor == null || (Number.isInteger(o.prefetchFactor) && o.prefetchFactor > 0),
    `prefetchFactor option should be a positive integer, but got prefetchFactor=${o.prefetchFactor}`,
  );
  check(!o.persistentWorkers || numWorkers > 0, 'persistentWorkers option needs numWorkers > 0');
  if (o.workerInitFn !== undefined && typeof o.workerInitFn !== 'object') {
    throw new TypeError(
      'workerInitFn must be a module reference { module: import.meta.url, export: name }: it runs in the worker threads',
    );
  }
}

function checkIterableStyle<T, B>(o: DataLoaderOptions<T, B>): void {
  for (const key of ['shuffle', 'sampler', 'batchSampler'] as const) {
    check(
      o[key] === undefined || o[key] === false,
      `DataLoader with IterableDataset: expected unspecified ${key} option, but got ${key}=${String(o[key])}`,
    );
  }
}

function checkBatching<T, B>(o: DataLoaderOptions<T, B>, shuffle: boolean): number | null {
  const batchSize = o.batchSize === undefined ? 1 : o.batchSize;
  if (o.batchSampler) {
    check(
      batchSize === 1 && !shuffle && !o.sampler && !o.dropLast,
      'batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast',
    );
    return null;
  }
  if (batchSize === null) {
    check(
      !o.dropLast,
      'batchSize=null option disables auto-batching and is mutually exclusive with dropLast',
    );
    return null;
  }
  return checkPositiveInt(batchSize, 'batchSize');
}

/** PyTorch's DataLoader.__init__ rules, with its error messages in camelCase. */
export function resolveOptions<T, B>(
  dataSource: { readonly length: number } | null,
  o: DataLoaderOptions<T, B>,
): ResolvedOptions {
  checkWorkerOptions(o);
  if (dataSource === null) checkIterableStyle(o);
  const shuffle = Boolean(o.shuffle);
  check(!(o.sampler && shuffle), 'sampler option is mutually exclusive with shuffle');
  const batchSize = checkBatching(o, shuffle);
  const dropLast = Boolean(o.dropLast);
  let sampler: SamplerLike | null = null;
  if (dataSource !== null) {
    sampler =
      o.sampler ??
      (shuffle
        ? new RandomSampler(dataSource, { generator: o.generator })
        : new SequentialSampler(dataSource));
  }
  const batchSampler =
    o.batchSampler ??
    (sampler && batchSize !== null ? new BatchSampler(sampler, batchSize, dropLast) : null);
  const numWorkers = o.numWorkers ?? 0;
  return {
    batchSize,
    dropLast,
    sampler,
    batchSampler,
    numWorkers,
    timeout: o.timeout ?? 0,
    prefetchFactor: numWorkers > 0 ? (o.prefetchFactor ?? 2) : null,
    persistentWorkers: Boolean(o.persistentWorkers),
  };
}
