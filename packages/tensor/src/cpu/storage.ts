import type { Backend, Storage, View } from '../backend';
import { arrayCtor, type DType, allocArray as fresh, numbersPer, type TypedArray } from '../dtype';
import { TensileError } from '../errors';
import { isContiguousLayout, numelOf } from '../shape';
import { builtin } from '../threads';

export class CpuStorage implements Storage {
  version = 0;
  disposed = false;
  constructor(
    readonly backend: Backend,
    readonly dtype: DType,
    public data: TypedArray,
  ) {}

  /** Elements (a complex element is two numbers of `data`). */
  get size(): number {
    return this.data.length / numbersPer(this.dtype);
  }
}

/**
 * Another storage's array read as another dtype of the same array type: a complex storage's
 * numbers as reals (viewAsReal) or a float storage's pairs as complex numbers (viewAsComplex).
 * It shares the array, version counter and lifetime of the storage it reinterprets. Not a
 * subclass: CpuStorage's fields would shadow these accessors.
 */
export class Reinterpreted implements Storage {
  constructor(
    readonly whole: CpuStorage,
    readonly dtype: DType,
  ) {}
  get backend(): Backend {
    return this.whole.backend;
  }
  get data(): TypedArray {
    return this.whole.data;
  }
  get size(): number {
    return this.whole.data.length / numbersPer(this.dtype);
  }
  get version(): number {
    return this.whole.version;
  }
  set version(v: number) {
    this.whole.version = v;
  }
  get disposed(): boolean {
    return this.whole.disposed;
  }
}

const reinterpretations = new WeakMap<CpuStorage, Map<DType, Reinterpreted>>();

/** `storage`'s array as `dtype` (of the same array type), one alias per storage and dtype. */
export function reinterpret(storage: Storage, dtype: DType): Storage {
  const whole = storage instanceof Reinterpreted ? storage.whole : (storage as CpuStorage);
  if (whole.dtype === dtype) return whole;
  let byDtype = reinterpretations.get(whole);
  if (!byDtype) {
    byDtype = new Map();
    reinterpretations.set(whole, byDtype);
  }
  let alias = byDtype.get(dtype);
  if (!alias) {
    alias = new Reinterpreted(whole, dtype);
    byDtype.set(dtype, alias);
  }
  return alias;
}

export function dataOf(storage: Storage): TypedArray {
  const s = storage as CpuStorage | Reinterpreted;
  if (s.disposed) {
    throw new TensileError(
      'this tensor was disposed (by dispose() or at the end of a scope); keep() what must outlive a scope',
    );
  }
  return s.data;
}

/** A view's elements as one Float32Array, where it is dense float32 (the WebAssembly kernels' input). */
export function denseFloat32(v: View): Float32Array | null {
  if (v.dtype !== 'float32' || !isContiguousLayout(v.shape, v.strides)) return null;
  return denseRun(v) as Float32Array;
}

/** A contiguous view's elements, in place: a subarray of its storage's array. */
export function denseRun(v: View): TypedArray {
  return dataOf(v.storage).subarray(v.offset, v.offset + numelOf(v.shape));
}

/**
 * Arrays this long or longer are recycled when their storage is disposed (dispose(), or the
 * end of a scope). A fresh large array costs a page fault per 4 KiB on its first write, which
 * on some virtual machines is 20 µs each (28 ms for a 5 MB im2col buffer); a recycled one
 * costs a memset.
 */
const RECYCLE_MIN = 1 << 14;
const RECYCLE_MAX_BYTES = 256 * 2 ** 20;
const recycled = new Map<string, TypedArray[]>();
let recycledBytes = 0;

function keyOf(ctor: { name: string }, length: number): string {
  return `${ctor.name}:${length}`;
}

/** A recycled array of `size` elements of `ctor`'s type, with its old contents, or undefined. */
function takeRecycled(ctor: { name: string }, size: number): TypedArray | undefined {
  if (size < RECYCLE_MIN) return undefined;
  const a = recycled.get(keyOf(ctor, size))?.pop();
  if (a) recycledBytes -= a.byteLength;
  return a;
}

/** A zero-filled array for `dtype`: a recycled one of the same length where there is one. */
export function allocArray(dtype: DType, size: number): TypedArray {
  return takeRecycled(arrayCtor(dtype), size * numbersPer(dtype))?.fill(0) ?? fresh(dtype, size);
}

/**
 * Node's uninitialized allocation, where there is one (browsers: undefined). Zeroing costs a
 * pass over memory that a kernel writing every element does again: a 16 MB output's memset
 * was 1.3 ms of W4's 14 ms step.
 */
const unsafeBuffer = builtin<{
  Buffer: { allocUnsafeSlow(bytes: number): { buffer: ArrayBuffer } };
}>('node:buffer')?.Buffer;
/** Below this many bytes zeroing costs less than the call. */
const UNINIT_MIN_BYTES = 1 << 16;

/**
 * An array for a kernel that writes every element before anything reads one: recycled or
 * fresh, with whatever bytes it held. Anything else takes allocArray's zeros.
 */
export function allocUninit(dtype: DType, size: number): TypedArray {
  const ctor = arrayCtor(dtype);
  const length = size * numbersPer(dtype);
  const reused = takeRecycled(ctor, length);
  if (reused) return reused;
  const bytes = length * ctor.BYTES_PER_ELEMENT;
  if (!unsafeBuffer || bytes < UNINIT_MIN_BYTES) return fresh(dtype, size);
  return new ctor(unsafeBuffer.allocUnsafeSlow(bytes).buffer, 0, length);
}

/** Gives a disposed storage's array back for reuse; nothing may read it afterwards. */
export function recycle(a: TypedArray): void {
  if (a.length < RECYCLE_MIN || recycledBytes + a.byteLength > RECYCLE_MAX_BYTES) return;
  const key = keyOf(a.constructor, a.length);
  const list = recycled.get(key);
  if (list) list.push(a);
  else recycled.set(key, [a]);
  recycledBytes += a.byteLength;
}
