import { type DType, stack, Tensor, tensor } from '@tensile/tensor';
import { CollateError } from './errors';
import { fromTypedArray } from './from-typed';

type AnyTypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** What defaultCollate makes of a batch of samples of type T. */
export type Collated<T> = T extends Tensor | number | boolean | AnyTypedArray
  ? Tensor
  : T extends string
    ? string[]
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { [K in keyof T]: Collated<T[K]> }
        : never;

/** What defaultConvert makes of one sample of type T (used when batching is off). */
export type Converted<T> = T extends Tensor | AnyTypedArray
  ? Tensor
  : T extends readonly unknown[] | Record<string, unknown>
    ? { [K in keyof T]: Converted<T[K]> }
    : T;

export function isTypedArray(x: unknown): x is AnyTypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * The dtype a typed array becomes: its own where Tensile has it, else the smallest one
 * that holds every value (narrow ints widen to int32, 32-bit unsigned and bigints to int64).
 */
function typedArrayDtype(a: AnyTypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  if (a instanceof Uint32Array || a instanceof BigInt64Array || a instanceof BigUint64Array) {
    return 'int64';
  }
  return 'int32';
}

/** A typed array as a 1-d tensor (the counterpart of torch.as_tensor on a numpy array). */
export function typedArrayToTensor(a: AnyTypedArray): Tensor {
  const dtype = typedArrayDtype(a);
  const native =
    a instanceof Float32Array ||
    a instanceof Float64Array ||
    a instanceof Int32Array ||
    a instanceof Uint8Array;
  if (native) return fromTypedArray(a, dtype);
  if (dtype === 'uint8')
    return fromTypedArray(new Uint8Array(a.buffer, a.byteOffset, a.length), dtype);
  // Int8/Int16/Uint16 widen to int32; Uint32 and bigints go to int64, stored as Float64Array.
  const values = Array.from(a as ArrayLike<number | bigint>, Number);
  return fromTypedArray(
    dtype === 'int32' ? Int32Array.from(values) : Float64Array.from(values),
    dtype,
  );
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** torch.stack with PyTorch's message for mismatched shapes, which names the fix too. */
function stackSamples(batch: readonly Tensor[]): Tensor {
  const first = batch[0].shape;
  const bad = batch.findIndex(
    (t) => t.shape.length !== first.length || t.shape.some((d, i) => d !== first[i]),
  );
  if (bad !== -1) {
    throw new CollateError(
      `stack expects each tensor to be equal size, but got ${fmt(first)} at entry 0 and ` +
        `${fmt(batch[bad].shape)} at entry ${bad}. The default collate cannot batch samples of ` +
        'different shapes: pass a collateFn to DataLoader (for example one that pads them).',
    );
  }
  return stack(batch as Tensor[], 0);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return x.constructor?.name ?? 'object';
}

function checkSameKind(
  batch: readonly unknown[],
  test: (x: unknown) => boolean,
  kind: string,
): void {
  const bad = batch.findIndex((x) => !test(x));
  if (bad !== -1) {
    throw new CollateError(
      `defaultCollate: entry 0 of the batch is a ${kind} but entry ${bad} is a ${describe(batch[bad])}`,
    );
  }
}

/**
 * Merges a list of samples into a batch (torch.utils.data.default_collate): tensors and typed
 * arrays are stacked along a new first dim, integers become an int64 tensor, other numbers a
 * float64 one, booleans a bool one, strings stay a list, and arrays and plain objects are
 * collated position by position and field by field.
 */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  return collate(batch) as Collated<T>;
}

function collate(batch: readonly unknown[]): unknown {
  if (batch.length === 0) throw new CollateError('defaultCollate: the batch is empty');
  const elem = batch[0];
  if (elem instanceof Tensor) {
    checkSameKind(batch, (x) => x instanceof Tensor, 'Tensor');
    return stackSamples(batch as Tensor[]);
  }
  if (isTypedArray(elem)) {
    checkSameKind(batch, isTypedArray, 'typed array');
    return stackSamples((batch as AnyTypedArray[]).map(typedArrayToTensor));
  }
  if (typeof elem === 'number') {
    checkSameKind(batch, (x) => typeof x === 'number', 'number');
    const ints = (batch as number[]).every(Number.isInteger);
    return tensor(batch as number[], { dtype: ints ? 'int64' : 'float64' });
  }
  if (typeof elem === 'boolean') {
    checkSameKind(batch, (x) => typeof x === 'boolean', 'boolean');
    return tensor(batch as boolean[], { dtype: 'bool' });
  }
  if (typeof elem === 'string') return batch.slice();
  if (Array.isArray(elem)) return collateArrays(batch);
  if (isPlainObject(elem)) {
    checkSameKind(batch, isPlainObject, 'object');
    const rows = batch as Record<string, unknown>[];
    return Object.fromEntries(Object.keys(elem).map((k) => [k, collate(rows.map((r) => r[k]))]));
  }
  throw new CollateError(
    'defaultCollate: batch must contain tensors, typed arrays, numbers, booleans, strings, ' +
      `objects or arrays; found ${describe(elem)}`,
  );
}

function collateArrays(batch: readonly unknown[]): unknown[] {
  checkSameKind(batch, Array.isArray, 'array');
  const rows = batch as unknown[][];
  const size = rows[0].length;
  if (rows.some((r) => r.length !== size)) {
    throw new CollateError('each element in list of batch should be of equal size');
  }
  return rows[0].map((_, i) => collate(rows.map((r) => r[i])));
}

/**
 * Converts one sample without batching (torch.utils.data.default_convert): typed arrays become
 * tensors, arrays and plain objects are converted inside, everything else is kept.
 */
export function defaultConvert<T>(data: T): Converted<T> {
  return convert(data) as Converted<T>;
}

function convert(data: unknown): unknown {
  if (isTypedArray(data)) return typedArrayToTensor(data);
  if (Array.isArray(data)) return data.map(convert);
  if (isPlainObject(data)) {
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, convert(v)]));
  }
  return data;
}
