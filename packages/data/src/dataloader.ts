import { defaultGenerator, type Generator } from '@tensile/tensor';
import { type Collated, defaultCollate, defaultConvert } from './collate';
import {
  type AnyIterable,
  asMapDataset,
  isMapStyle,
  lengthOf,
  type MapDataset,
  type ModuleRef,
} from './datasets/dataset';
import { DataLoaderError } from './errors';
import { groups, groupsAsync } from './groups';
import { iterateWorkers } from './multi';
import {
  type DataLoaderOptions,
  type ResolvedOptions,
  resolveOptions,
  type SamplerLike,
} from './options';
import { WorkerPool } from './pool';
import type { WorkerConfig } from './protocol';
import { decode, encodeDataset, moduleHref } from './wire';

export type DatasetLike<T> = MapDataset<T> | readonly T[] | AnyIterable<T>;

/**
 * Batches of a dataset (torch.utils.data.DataLoader): `for (const b of loader)` in the main
 * thread, or `for await (const b of loader)`, which also loads in parallel with numWorkers > 0.
 */
export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: DatasetLike<T>;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly numWorkers: number;
  readonly timeout: number;
  readonly prefetchFactor: number | null;
  readonly persistentWorkers: boolean;
  readonly pinMemory: boolean;
  readonly sampler: SamplerLike | null;
  readonly batchSampler: SamplerLike<number[]> | null;
  readonly collateFn: (batch: T[]) => B;
  readonly workerInitFn: ModuleRef | undefined;
  readonly generator: Generator | undefined;
  private readonly customCollate: boolean;
  private pool: WorkerPool | null = null;

  constructor(dataset: DatasetLike<T>, opts: DataLoaderOptions<T, B> = {}) {
    this.dataset = dataset;
    const mapStyle = isMapStyle<T>(dataset);
    const r: ResolvedOptions = resolveOptions(mapStyle ? asMapDataset(dataset) : null, opts);
    this.batchSize = r.batchSize;
    this.dropLast = r.dropLast;
    this.numWorkers = r.numWorkers;
    this.timeout = r.timeout;
    this.prefetchFactor = r.prefetchFactor;
    this.persistentWorkers = r.persistentWorkers;
    this.sampler = r.sampler;
    this.batchSampler = r.batchSampler;
    this.pinMemory = Boolean(opts.pinMemory);
    this.workerInitFn = opts.workerInitFn;
    this.generator = opts.generator;
    this.customCollate = opts.collateFn !== undefined;
    this.collateFn =
      opts.collateFn ?? ((this.autoBatch ? defaultCollate : defaultConvert) as (b: T[]) => B);
  }

  /** Whether samples are grouped into batches (batchSize or batchSampler given). */
  get autoBatch(): boolean {
    return this.batchSampler !== null || this.batchSize !== null;
  }

  private get iterableStyle(): boolean {
    return this.sampler === null && this.batchSampler === null;
  }

  /** Batches per epoch (samples when batching is off). */
  get length(): number {
    if (!this.iterableStyle) return lengthOf(this.batchSampler ?? this.sampler);
    const n = lengthOf(this.dataset);
    if (this.batchSize === null) return n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /**
   * The seed of this epoch's workers (worker i gets baseSeed + i). Drawn every epoch, workers
   * or not, as PyTorch does, so the shuffle order does not depend on numWorkers.
   */
  private drawBaseSeed(): number {
    return (this.generator ?? defaultGenerator).randint(0, 2 ** 32);
  }

  private indices(): Iterator<number[] | number> {
    return (this.batchSampler ?? this.sampler)![Symbol.iterator]();
  }

  [Symbol.iterator](): Iterator<B> {
    return this.batches();
  }

  private *batches(): IterableIterator<B> {
    if (this.numWorkers > 0) {
      throw new DataLoaderError(
        'A DataLoader with numWorkers > 0 loads asynchronously: iterate it with for await (const batch of loader)',
      );
    }
    this.drawBaseSeed();
    if (this.iterableStyle) {
      const source = this.dataset as AnyIterable<T>;
      if (!(Symbol.iterator in source)) {
        throw new DataLoaderError(
          'The dataset is async-only: iterate the DataLoader with for await',
        );
      }
      for (const g of groups(source, this.batchSize, this.dropLast)) yield this.collateFn(g as T[]);
      return;
    }
    const ds = asMapDataset(this.dataset as MapDataset<T>);
    for (const index of (this.batchSampler ?? this.sampler)!) {
      yield this.collateFn(
        (Array.isArray(index) ? index.map((i) => ds.get(i)) : ds.get(index)) as T[],
      );
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.numWorkers > 0) return yield* this.iterateWorkers();
    const source = this.dataset as AnyIterable<T>;
    if (!this.iterableStyle || Symbol.iterator in source) return yield* this.batches();
    this.drawBaseSeed();
    for await (const g of groupsAsync(source, this.batchSize, this.dropLast)) {
      yield this.collateFn(g as T[]);
    }
  }

  private async *iterateWorkers(): AsyncGenerator<B> {
    const baseSeed = this.drawBaseSeed();
    const pool = this.pool ?? new WorkerPool(this.workerConfigs(baseSeed));
    if (this.persistentWorkers) this.pool = pool;
    try {
      const replies = iterateWorkers({
        pool,
        tasks: this.iterableStyle ? null : this.indices(),
        inFlight: this.prefetchFactor! * this.numWorkers,
        timeoutMs: this.timeout * 1000,
      });
      for await (const data of replies) {
        const batch = decode(data);
        yield this.customCollate ? this.collateFn(batch as T[]) : (batch as B);
      }
    } catch (err) {
      // Workers may be dead or stuck after an error: never reuse them.
      if (this.pool === pool) this.pool = null;
      throw err;
    } finally {
      // Reached on completion, error and break alike.
      if (this.pool === pool) pool.idle();
      else await pool.close();
    }
  }

  private workerConfigs(baseSeed: number): WorkerConfig[] {
    const dataset = encodeDataset(this.dataset);
    const initFn = this.workerInitFn
      ? { module: moduleHref(this.workerInitFn.module), export: this.workerInitFn.export }
      : null;
    const mode = this.customCollate ? 'raw' : this.autoBatch ? 'collate' : 'convert';
    return Array.from({ length: this.numWorkers }, (_, id) => ({
      id,
      numWorkers: this.numWorkers,
      seed: baseSeed + id,
      dataset,
      iterable: this.iterableStyle,
      mode,
      batchSize: this.iterableStyle ? this.batchSize : null,
      dropLast: this.dropLast,
      initFn,
    }));
  }

  /** Stops persistent workers now (they are unref'd between epochs, so exiting needs no close). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }
}
