/**
 * Complex tensors on the CPU. A complex storage holds interleaved (real, imaginary) pairs, so
 * each part of a complex view is a real view of the same numbers with doubled strides: the
 * kernels here compose the real kernels over those parts, and every other kernel refuses a
 * complex operand by name (PyTorch's "not implemented for 'ComplexFloat'"), never reading
 * pairs as reals.
 */
import type { Backend, BinaryOp, Storage, UnaryOp, View } from '../backend';
import { type DType, isComplex, realPartDtype } from '../dtype';
import { DTypeError, warn } from '../errors';
import { contiguousStrides, numelOf } from '../shape';
import { dataOf, reinterpret } from './storage';

/** The real and imaginary parts of a complex view, as real views of its storage. */
export function parts(v: View): [View, View] {
  const dtype = realPartDtype(v.dtype);
  const storage = reinterpret(v.storage, dtype);
  const part = (at: number): View => ({
    storage,
    dtype,
    shape: v.shape,
    strides: v.strides.map((s) => 2 * s),
    offset: 2 * v.offset + at,
  });
  return [part(0), part(1)];
}

/** A zeroed contiguous complex storage of `shape` and its parts. */
function complexOut(base: Backend, dtype: DType, shape: readonly number[]): [Storage, View, View] {
  const storage = base.alloc(dtype, numelOf(shape));
  const [re, im] = parts({ storage, dtype, shape, strides: contiguousStrides(shape), offset: 0 });
  return [storage, re, im];
}

/** A complex result from its two real parts (views or storages of `shape`, contiguous). */
function fromParts(
  base: Backend,
  dtype: DType,
  shape: readonly number[],
  re: Storage,
  im: Storage,
) {
  const [out, outRe, outIm] = complexOut(base, dtype, shape);
  const dense = (storage: Storage): View => ({
    storage,
    dtype: storage.dtype,
    shape,
    strides: contiguousStrides(shape),
    offset: 0,
  });
  base.write(outRe, dense(re));
  base.write(outIm, dense(im));
  base.dispose(re);
  base.dispose(im);
  return out;
}

/** A contiguous copy of `x` in `dtype`, either or both complex. */
function copyComplex(base: Backend, x: View, dtype: DType): Storage {
  if (isComplex(dtype)) {
    const [out, re, im] = complexOut(base, dtype, x.shape);
    if (isComplex(x.dtype)) {
      const [xr, xi] = parts(x);
      base.write(re, xr);
      base.write(im, xi);
    } else base.write(re, x);
    return out;
  }
  // PyTorch 1.13 casts to every real dtype, bool too, from the real part alone.
  discardImaginary();
  return base.copy(parts(x)[0], dtype);
}

/** `v` as parts of `dtype`'s precision: a real view's imaginary part is zeros. */
function partsAs(base: Backend, v: View, dtype: DType): [View, View] {
  if (v.dtype === dtype) return parts(v);
  const storage = copyComplex(base, v, dtype);
  return parts({ storage, dtype, shape: v.shape, strides: contiguousStrides(v.shape), offset: 0 });
}

let warned = false;
function discardImaginary(): void {
  if (warned) return;
  warned = true;
  warn('Casting complex values to real discards the imaginary part');
}

function refuse(kernel: string, dtype: DType): never {
  throw new DTypeError(
    `${kernel}: not implemented for '${dtype}' tensors (Tensile's complex tensors support arithmetic, matmul, sums, gathers, views, joining and linalg.eig)`,
  );
}

/** The complex kernels: each gets the real backend and the call's arguments. */
function complexKernels(base: Backend) {
  /**
   * An op that acts on the real and the imaginary parts alike (a sum, a gather, a choice): the
   * real kernel applied to the operands' real parts and to their imaginary parts.
   */
  const partwise = (
    dtype: DType,
    shape: readonly number[],
    operands: readonly View[],
    kernel: (...parts: View[]) => Storage,
  ): Storage => {
    const split = operands.map((v) => partsAs(base, v, dtype));
    return fromParts(
      base,
      dtype,
      shape,
      kernel(...split.map(([re]) => re)),
      kernel(...split.map(([, im]) => im)),
    );
  };
  /** A bool result from the parts' two bool results, joined by `join`. */
  const joined = (
    join: 'logicalAnd' | 'logicalOr',
    shape: readonly number[],
    re: Storage,
    im: Storage,
  ) => {
    const out = base.binary(join, asView(re, shape), asView(im, shape), 'bool');
    base.dispose(re);
    base.dispose(im);
    return out;
  };
  const binaryParts = (op: BinaryOp, a: View, b: View, dtype: DType): Storage => {
    const part = realPartDtype(dtype);
    if (op === 'add' || op === 'sub')
      return partwise(dtype, a.shape, [a, b], (x, y) => base.binary(op, x, y, part));
    const [ar, ai] = partsAs(base, a, dtype);
    const [br, bi] = partsAs(base, b, dtype);
    const f = (o: BinaryOp, x: View | Storage, y: View | Storage) =>
      base.binary(o, asView(x, a.shape), asView(y, a.shape), part);
    switch (op) {
      case 'mul':
        return fromParts(
          base,
          dtype,
          a.shape,
          f('sub', f('mul', ar, br), f('mul', ai, bi)),
          f('add', f('mul', ar, bi), f('mul', ai, br)),
        );
      case 'div': {
        const d = f('add', f('mul', br, br), f('mul', bi, bi));
        return fromParts(
          base,
          dtype,
          a.shape,
          f('div', f('add', f('mul', ar, br), f('mul', ai, bi)), d),
          f('div', f('sub', f('mul', ai, br), f('mul', ar, bi)), d),
        );
      }
      default:
        return refuse(op, dtype);
    }
  };
  return {
    read(x: View) {
      return dataOf(copyComplex(base, x, x.dtype));
    },
    copy: (x: View, dtype: DType) => copyComplex(base, x, dtype),
    write(dst: View, src: View) {
      if (!isComplex(dst.dtype)) {
        discardImaginary();
        return base.write(dst, parts(src)[0]);
      }
      const [dr, di] = parts(dst);
      if (isComplex(src.dtype)) {
        const [sr, si] = parts(src);
        base.write(dr, sr);
        base.write(di, si);
      } else {
        base.write(dr, src);
        base.fill(di, 0);
      }
    },
    fill(dst: View, value: number) {
      const [re, im] = parts(dst);
      base.fill(re, value);
      base.fill(im, 0);
    },
    unary(op: UnaryOp, x: View, dtype: DType): Storage {
      // A complex number is NaN or infinite where a part is, finite where both are.
      const either = { isnan: 'logicalOr', isinf: 'logicalOr', isfinite: 'logicalAnd' } as const;
      if (dtype === 'bool' && op in either) {
        const [re, im] = parts(x);
        const join = either[op as keyof typeof either];
        return joined(join, x.shape, base.unary(op, re, 'bool'), base.unary(op, im, 'bool'));
      }
      if (op !== 'neg' || dtype !== x.dtype) return refuse(op, x.dtype);
      const part = realPartDtype(dtype);
      return partwise(dtype, x.shape, [x], (v) => base.unary('neg', v, part));
    },
    binary(op: BinaryOp, a: View, b: View, dtype: DType): Storage {
      if (isComplex(dtype)) return binaryParts(op, a, b, dtype);
      const wide = isComplex(a.dtype) ? a.dtype : b.dtype;
      if (dtype !== 'bool' || (op !== 'eq' && op !== 'ne')) return refuse(op, wide);
      const [ar, ai] = partsAs(base, a, wide);
      const [br, bi] = partsAs(base, b, wide);
      const join = op === 'eq' ? 'logicalAnd' : 'logicalOr';
      return joined(
        join,
        a.shape,
        base.binary(op, ar, br, 'bool'),
        base.binary(op, ai, bi, 'bool'),
      );
    },
    where(cond: View, a: View, b: View, dtype: DType): Storage {
      if (!isComplex(dtype)) return refuse('where', isComplex(a.dtype) ? a.dtype : b.dtype);
      const part = realPartDtype(dtype);
      return partwise(dtype, cond.shape, [a, b], (x, y) => base.where(cond, x, y, part));
    },
    reduce(op: string, x: View, dims: readonly number[], dtype: DType): Storage {
      if (op !== 'sum' || !isComplex(dtype)) return refuse(op, x.dtype);
      const part = realPartDtype(dtype);
      const shape = x.shape.filter((_, d) => !dims.includes(d));
      return partwise(dtype, shape, [x], (v) => base.reduce('sum', v, dims, part));
    },
    cumulative(op: string, x: View, dim: number, dtype: DType): Storage {
      if (op !== 'cumsum' || !isComplex(dtype)) return refuse(op, x.dtype);
      const part = realPartDtype(dtype);
      return partwise(dtype, x.shape, [x], (v) => base.cumulative('cumsum', v, dim, part));
    },
    matmul(a: View, b: View, dtype: DType): Storage {
      if (!isComplex(dtype)) return refuse('matmul', isComplex(a.dtype) ? a.dtype : b.dtype);
      const part = realPartDtype(dtype);
      const [ar, ai] = partsAs(base, a, dtype);
      const [br, bi] = partsAs(base, b, dtype);
      const shape = [...a.shape.slice(0, -1), b.shape[b.shape.length - 1]];
      const mm = (x: View, y: View) => base.matmul(x, y, part);
      const f = (o: BinaryOp, x: Storage, y: Storage) => {
        const out = base.binary(o, asView(x, shape), asView(y, shape), part);
        base.dispose(x);
        base.dispose(y);
        return out;
      };
      return fromParts(
        base,
        dtype,
        shape,
        f('sub', mm(ar, br), mm(ai, bi)),
        f('add', mm(ar, bi), mm(ai, br)),
      );
    },
    gather: (x: View, dim: number, index: View): Storage =>
      partwise(x.dtype, index.shape, [x], (v) => base.gather(v, dim, index)),
  };
}

/** A contiguous view of `shape` over a kernel's result storage (views pass through). */
function asView(x: View | Storage, shape: readonly number[]): View {
  if ('shape' in x) return x;
  return { storage: x, dtype: x.dtype, shape, strides: contiguousStrides(shape), offset: 0 };
}

const isView = (x: unknown): x is View =>
  typeof x === 'object' && x !== null && 'storage' in x && 'strides' in x;

/** Whether a kernel call involves a complex dtype: a complex operand or a complex result. */
function involvesComplex(args: readonly unknown[]): DType | null {
  for (const a of args) {
    if (isView(a) && isComplex(a.dtype)) return a.dtype;
    if (typeof a === 'string' && isComplex(a as DType)) return a as DType;
  }
  return null;
}

/**
 * `base` with complex dtypes: calls without a complex operand or result go straight to it;
 * allocation, disposal and the kernels above handle complex ones; every other kernel refuses.
 */
export function withComplex(base: Backend): Backend {
  const kernels = complexKernels(base) as Record<string, (...args: unknown[]) => unknown>;
  const passThrough = new Set(['alloc', 'fromArray', 'dispose', 'reinterpret']);
  // Optional fused kernels decline a complex operand (the op composes itself from kernels
  // that have complex versions, or refuses there), as the Backend contract lets them.
  const declines: Record<string, false | null> = {
    sgdStep: false,
    adamStep: false,
    softmax: null,
    avgPool: null,
    avgPoolBackward: null,
    conv2d: null,
    conv2dInputGrad: null,
    conv2dWeightGrad: null,
  };
  const out: Record<string, unknown> = { name: base.name };
  for (const [key, value] of Object.entries(base)) {
    if (typeof value !== 'function' || passThrough.has(key)) {
      out[key] = value;
      continue;
    }
    const kernel = kernels[key];
    const plain = value as (...args: unknown[]) => unknown;
    out[key] = (...args: unknown[]) => {
      const dtype = involvesComplex(args);
      if (dtype === null) return plain(...args);
      if (key in declines) return declines[key];
      if (!kernel) return refuse(key, dtype);
      return kernel.apply(out, args);
    };
  }
  return out as unknown as Backend;
}
