import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type DType, Tensor, ValueError } from '@tensile/tensor';
import { isPlainObject } from './collate';
import { noWorkerSpec, type WorkerSpec } from './datasets/dataset';
import { fromTypedArray } from './from-typed';

// Tensors and datasets are class instances, which structured clone strips to plain objects:
// they cross threads as tagged plain objects and are rebuilt on the other side.
const TENSOR = '__tensileTensor__';
const DATASET = '__tensileDataset__';

type Storage = Float32Array | Float64Array | Int32Array | Uint8Array;

interface TensorPayload {
  [TENSOR]: true;
  dtype: DType;
  shape: number[];
  data: Storage;
}

interface DatasetPayload {
  [DATASET]: true;
  module: string;
  export: string;
  args: unknown[];
}

export type ModuleMap = ReadonlyMap<string, Record<string, unknown>>;

export interface EncodeOptions {
  /** Collects the tensors' buffers, to be transferred (moved, not copied) with the message. */
  transfer?: Set<ArrayBuffer>;
  /** Puts tensor data in SharedArrayBuffers, so that every worker reads one copy. */
  shared?: boolean;
}

// Shared copies of dataset tensors, reused by later epochs' workers while the tensor is not
// written to (its version counts in-place writes, through any view).
const sharedCache = new WeakMap<Tensor, { version: number; data: Storage }>();

function sharedData(t: Tensor): Storage {
  const cached = sharedCache.get(t);
  if (cached?.version === t.version) return cached.data;
  const data = t.dataSync() as Storage;
  const ctor = data.constructor as new (b: SharedArrayBuffer) => Storage;
  const shared = new ctor(new SharedArrayBuffer(data.byteLength));
  shared.set(data);
  sharedCache.set(t, { version: t.version, data: shared });
  return shared;
}

function tensorPayload(t: Tensor, opts: EncodeOptions): TensorPayload {
  let data = opts.shared ? sharedData(t) : (t.dataSync() as Storage);
  if (opts.transfer) {
    // dataSync gives a fresh copy; transferring a view would also move the rest of its buffer.
    if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) data = data.slice();
    opts.transfer.add(data.buffer as ArrayBuffer);
  }
  return { [TENSOR]: true, dtype: t.dtype, shape: [...t.shape], data };
}

function hasWorkerSpec(x: object): x is { workerSpec(): WorkerSpec } {
  return typeof (x as { workerSpec?: unknown }).workerSpec === 'function';
}

/** A module address the worker can import: file URL, absolute path or package name. */
export function moduleHref(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  if (module.startsWith('.')) {
    throw new ValueError(
      `module must be a file URL (import.meta.url), an absolute path or a package name, got '${module}'`,
    );
  }
  return module;
}

/** Makes a value structured-cloneable: tensors and datasets become tagged plain objects. */
export function encode(value: unknown, opts: EncodeOptions = {}): unknown {
  if (value instanceof Tensor) return tensorPayload(value, opts);
  if (Array.isArray(value)) return value.map((v) => encode(v, opts));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v, opts)]));
  }
  if (typeof value === 'object' && value !== null && hasWorkerSpec(value)) {
    const spec = value.workerSpec();
    const payload: DatasetPayload = {
      [DATASET]: true,
      module: moduleHref(spec.module),
      export: spec.export,
      args: (spec.args ?? []).map((a) => encode(a, { shared: opts.shared })),
    };
    return payload;
  }
  return value;
}

/** Encodes a dataset for the workers; arrays travel as they are. */
export function encodeDataset(dataset: unknown): unknown {
  if (!Array.isArray(dataset) && !hasWorkerSpec(dataset as object)) noWorkerSpec(dataset as object);
  return encode(dataset, { shared: true });
}

function isTagged<K extends string>(x: unknown, tag: K): x is Record<K, true> {
  return isPlainObject(x) && x[tag] === true;
}

/** The modules that decoding `value` needs, to be imported before (import is async). */
export function modulesOf(value: unknown, into = new Set<string>()): Set<string> {
  if (isTagged(value, DATASET)) into.add((value as unknown as DatasetPayload).module);
  const children = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : [];
  for (const v of children) modulesOf(v, into);
  return into;
}

export async function importModules(hrefs: Iterable<string>): Promise<ModuleMap> {
  const entries = await Promise.all(
    [...hrefs].map(async (h) => [h, (await import(h)) as Record<string, unknown>] as const),
  );
  return new Map(entries);
}

function construct(p: DatasetPayload, modules: ModuleMap): unknown {
  const ctor = modules.get(p.module)?.[p.export];
  if (typeof ctor !== 'function') {
    throw new ValueError(`workerSpec: module ${p.module} has no export named '${p.export}'`);
  }
  return new (ctor as new (...args: unknown[]) => unknown)(
    ...p.args.map((a) => decode(a, modules)),
  );
}

/** Rebuilds what encode made: tensors, and datasets from the already imported modules. */
export function decode(value: unknown, modules: ModuleMap = new Map()): unknown {
  if (isTagged(value, TENSOR)) {
    const p = value as unknown as TensorPayload;
    return fromTypedArray(p.data, p.dtype, p.shape);
  }
  if (isTagged(value, DATASET)) return construct(value as unknown as DatasetPayload, modules);
  if (Array.isArray(value)) return value.map((v) => decode(v, modules));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v, modules)]));
  }
  return value;
}
