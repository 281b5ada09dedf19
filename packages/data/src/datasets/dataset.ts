import { IndexError } from '@tensile/tensor';
import { DataLoaderError } from '../errors';

/**
 * How a worker thread rebuilds a dataset: it imports `module`, takes its export named `export`
 * and calls it with `new` on `args`. Like pickle's (class reference, state), because a class
 * instance cannot cross threads: only its code's address and plain data can.
 * `module` is a file URL (pass `import.meta.url`), an absolute path or a package name;
 * `args` may hold tensors and other datasets, which are sent along and rebuilt.
 */
export interface WorkerSpec {
  module: string | URL;
  export: string;
  args?: readonly unknown[];
}

/** A function exported by a module, for code that must run inside the workers (`workerInitFn`). */
export interface ModuleRef {
  module: string | URL;
  export: string;
}

/** Anything with a length and random access: what samplers and map-style loading need. */
export interface MapDataset<T> {
  readonly length: number;
  get(index: number): T;
}

export function noWorkerSpec(dataset: object): never {
  const name = dataset.constructor.name;
  throw new DataLoaderError(
    `${name} cannot be loaded in worker threads: give it a workerSpec() method returning ` +
      `{ module: import.meta.url, export: '${name}', args: [/* constructor args */] } ` +
      '(see "Workers" in the @tensile/data README), or use numWorkers: 0.',
  );
}

/** A map-style dataset (torch.utils.data.Dataset): samples by index, with a known length. */
export abstract class Dataset<T> implements MapDataset<T> {
  abstract get length(): number;
  abstract get(index: number): T;

  /** Overridden by datasets that can be loaded with `numWorkers > 0`; see WorkerSpec. */
  workerSpec(): WorkerSpec {
    return noWorkerSpec(this);
  }
}

/**
 * An iterable-style dataset (torch.utils.data.IterableDataset): subclasses define
 * `[Symbol.iterator]` or `[Symbol.asyncIterator]`, and optionally `length`.
 * With workers every worker iterates its own copy: shard with `getWorkerInfo()`.
 */
export abstract class IterableDataset<T> {
  /** Never set: it ties the sample type T to the class for type inference. */
  declare readonly sampleType?: T;

  workerSpec(): WorkerSpec {
    return noWorkerSpec(this);
  }
}

export type AnyIterable<T> = Iterable<T> | AsyncIterable<T>;

/** Map-style (random access) versus iterable-style, by what the object offers. */
export function isMapStyle<T>(dataset: unknown): dataset is MapDataset<T> | readonly T[] {
  if (Array.isArray(dataset)) return true;
  if (dataset instanceof IterableDataset) return false;
  const d = dataset as Partial<MapDataset<T>>;
  return typeof d?.get === 'function' && 'length' in (dataset as object);
}

/** Random access over a dataset that may be a plain array. */
export function asMapDataset<T>(dataset: MapDataset<T> | readonly T[]): MapDataset<T> {
  if (!Array.isArray(dataset)) return dataset as MapDataset<T>;
  const items = dataset as readonly T[];
  return { length: items.length, get: (i) => items[checkIndex(i, items.length, 'array dataset')] };
}

/** Resolves a negative index from the end and rejects indices out of range. */
export function checkIndex(index: number, length: number, what: string): number {
  if (!Number.isInteger(index) || index >= length || index < -length) {
    throw new IndexError(`index ${index} is out of range for ${what} of length ${length}`);
  }
  return index < 0 ? index + length : index;
}

/** The length of a dataset or sampler, with PyTorch's error for objects that have none. */
export function lengthOf(obj: unknown): number {
  const n = (obj as { length?: unknown }).length;
  if (typeof n !== 'number') {
    const name = (obj as object)?.constructor?.name ?? typeof obj;
    throw new DataLoaderError(`object of type ${name} has no length`);
  }
  return n;
}
