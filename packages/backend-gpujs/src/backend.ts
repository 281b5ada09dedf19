import {
  allocArray,
  type Backend,
  contiguousStrides,
  cpuBackend,
  type DType,
  numelOf,
  type Storage,
  type TypedArray,
  type View,
} from '@tensile/tensor';
import type { Texture } from 'gpu.js';
import { gpuContext } from './context';
import { map, writeWindow } from './elementwise';
import { BINARY, IDENTITY, UNARY, WHERE } from './expressions';
import { gather, scatter, sortIndices } from './indexing';
import { Program } from './program';
import { argReduce, cumulative, matmul, reduce } from './reduce';
import { checkDtype, checkSize, GpuStorage } from './storage';

const gs = (s: Storage) => s as GpuStorage;

/** A kernel's result as a storage; a kernel over no elements returns no texture. */
function wrap(texture: Texture | null, dtype: DType): GpuStorage {
  // gpu.js's typings omit a texture's `output` (its kernel's output size, [n] here).
  const size = texture ? (texture as unknown as { output: number[] }).output[0] : 0;
  return new GpuStorage(gpuBackend, dtype, size, texture);
}

/** A contiguous whole-storage view, as kernels read a fresh storage. */
function whole(storage: Storage, shape: readonly number[]): View {
  return { storage, dtype: storage.dtype, shape, strides: contiguousStrides(shape), offset: 0 };
}

const upload = (data: Float32Array) => {
  checkSize(data.length);
  // An 'Array' argument is uploaded by gpu.js itself; the kernel copies it into a texture.
  const k = gpuContext().kernel('function(a) {\nreturn a[this.thread.x];\n}', { a: 'Array' });
  k.setOutput([data.length]);
  return k(data) as Texture;
};

/** Writes through the CPU when a window cannot be addressed from storage positions. */
function writeViaCpu(dst: View, src: View | number): void {
  const host = cpuBackend.fromArray(
    gpuBackend.read(whole(dst.storage, [dst.storage.size])),
    dst.dtype,
  );
  const target = { ...dst, storage: host };
  if (typeof src === 'number') cpuBackend.fill(target, src);
  else {
    const s = cpuBackend.fromArray(gpuBackend.read(src), src.dtype);
    cpuBackend.write(target, whole(s, src.shape));
  }
  const data = cpuBackend.read(whole(host, [dst.storage.size]));
  gs(dst.storage).replace(upload(Float32Array.from(data as ArrayLike<number>)));
}

function fromHost(data: TypedArray, dtype: DType): GpuStorage {
  checkDtype(dtype);
  if (data.length === 0) return wrap(null, dtype);
  return wrap(upload(data instanceof Float32Array ? data : Float32Array.from(data)), dtype);
}

/**
 * The gpu.js backend: every storage is a float32 texture, every kernel a generated shader
 * (cached by source), and values stay on the device until `read`.
 */
export const gpuBackend: Backend = {
  name: 'gpu',
  alloc(dtype, size) {
    checkDtype(dtype);
    return wrap(new Program().run(size, '0'), dtype);
  },
  fromArray: fromHost,
  read(x) {
    const size = numelOf(x.shape);
    const out = allocArray(x.dtype, size);
    if (size === 0) return out;
    const isWhole = x.offset === 0 && size === x.storage.size;
    const contiguous = contiguousStrides(x.shape).every(
      (s, d) => s === x.strides[d] || x.shape[d] === 1,
    );
    let texture = gs(x.storage).texture as Texture;
    const copied = !(isWhole && contiguous);
    if (copied) texture = map(IDENTITY, [x], 'float32') as Texture;
    const values = texture.toArray() as Float32Array;
    if (copied) texture.delete();
    for (let i = 0; i < size; i++) out[i] = values[i];
    return out;
  },
  dispose: (storage) => gs(storage).dispose(),
  copy: (x, dtype) => {
    checkDtype(dtype);
    return wrap(map(IDENTITY, [x], dtype), dtype);
  },
  write(dst, src) {
    if (numelOf(dst.shape) === 0) return;
    const t = writeWindow(dst, (p, c) => `${p.tex(gs(src.storage))}[${p.offset(src, c)}]`);
    if (t) gs(dst.storage).replace(t);
    else writeViaCpu(dst, src);
  },
  fill(dst, value) {
    if (numelOf(dst.shape) === 0) return;
    // NaN and infinities cannot be kernel arguments; they are made in the kernel.
    const t = writeWindow(dst, (p) =>
      Number.isFinite(value)
        ? p.float(value)
        : Number.isNaN(value)
          ? `nanOf(${p.float(0)})`
          : `infOf(${p.float(Math.sign(value))})`,
    );
    if (t) gs(dst.storage).replace(t);
    else writeViaCpu(dst, value);
  },
  unary: (op, x, dtype) => wrap(map(UNARY[op], [x], dtype), dtype),
  binary: (op, a, b, dtype) => wrap(map(BINARY[op], [a, b], dtype), dtype),
  where: (cond, a, b, dtype) => wrap(map(WHERE, [cond, a, b], dtype), dtype),
  reduce: (op, x, dims, dtype) => wrap(reduce(op, x, dims, dtype), dtype),
  argReduce: (op, x, dim) => wrap(argReduce(op, x, dim), 'int64'),
  cumulative: (op, x, dim, dtype) => wrap(cumulative(op, x, dim, dtype), dtype),
  matmul: (a, b, dtype) => wrap(matmul(a, b, dtype), dtype),
  gather: (x, dim, index) => wrap(gather(x, dim, index), x.dtype),
  scatter: (x, dim, index, src, reduceOp, includeSelf) =>
    wrap(scatter(x, dim, index, src, reduceOp, includeSelf, x.dtype), x.dtype),
  sort(x, dim, descending) {
    const indices = wrap(sortIndices(x, dim, descending), 'int64');
    const values = wrap(gather(x, dim, whole(indices, x.shape)), x.dtype);
    return [values, indices];
  },
};
