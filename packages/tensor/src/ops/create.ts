import { getDefaultDevice, getDefaultDtype } from '../defaults';
import { checkComplexDevice, getBackend } from '../devices';
import type { DType, TypedArray } from '../dtype';
import { arrayCtor, castScalar, isComplex, isFloating, numbersPer, realPartDtype } from '../dtype';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors';
import { defaultGenerator, type Generator } from '../random';
import { checkNewShape, numelOf, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { isTensor, wrapStorage } from '../tensor-base';

/** Where and how a new tensor is made, as the keyword arguments of torch's factory functions. */
export interface TensorOptions {
  /** The element type; each function says what it infers without one. */
  dtype?: DType;
  /** A registered backend name; the default device (setDefaultDevice) without one. */
  device?: string;
  /** Make a leaf that requires grad (a floating dtype only). */
  requiresGrad?: boolean;
}

/** TensorOptions for the sampling factories, with the generator to draw from. */
export interface RandomOptions extends TensorOptions {
  /** The generator to draw from; defaultGenerator without one. */
  generator?: Generator;
}

/** A number, boolean, nested array of them, or a typed array. */
export type NestedData = number | boolean | TypedArray | readonly NestedData[];

/** Wraps host data (already in dtype's array type) as a contiguous tensor on `device`. */
export function fromArray(
  data: TypedArray,
  shape: Shape,
  opts: TensorOptions & { dtype: DType },
): Tensor {
  const device = opts.device ?? getDefaultDevice();
  checkComplexDevice('tensor', opts.dtype, device);
  const storage = getBackend(device).fromArray(data, opts.dtype);
  return finish(wrapStorage(storage, shape), opts);
}

/**
 * Real host values (in the array type of `opts.dtype`'s parts) as a tensor: a complex dtype
 * takes them as real parts with zero imaginary parts.
 */
function fromReals(data: TypedArray, shape: Shape, opts: TensorOptions & { dtype: DType }) {
  if (!isComplex(opts.dtype)) return fromArray(data, shape, opts);
  checkComplexDevice('tensor', opts.dtype, opts.device ?? getDefaultDevice());
  const parts = fromArray(data, shape, { dtype: realPartDtype(opts.dtype), device: 'cpu' });
  return finish(parts.to(opts.dtype), opts);
}

function finish(t: Tensor, opts: TensorOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

function inferDtype(data: NestedData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'uint8';
  let sawFloat = false;
  let sawInt = false;
  let sawBool = false;
  const visit = (d: NestedData, depth: number): void => {
    if (typeof d === 'boolean') sawBool = true;
    else if (typeof d === 'number') {
      if (Number.isInteger(d)) sawInt = true;
      else sawFloat = true;
    } else {
      checkSequence(d, depth);
      for (const e of Array.from(d as ArrayLike<NestedData>)) visit(e, depth + 1);
    }
  };
  visit(data, 0);
  if (sawFloat) return getDefaultDtype();
  if (sawInt) return 'int64';
  if (sawBool) return 'bool';
  return getDefaultDtype();
}

/** Nesting deeper than this is refused (a self-containing array would never end). */
const MAX_DEPTH = 64;

/** d must be an array or a typed array of data: a string, null or object is an error, as torch's. */
function checkSequence(d: unknown, depth: number): void {
  if (depth > MAX_DEPTH)
    throw new ValueError(`tensor: data nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(d) || (ArrayBuffer.isView(d) && !(d instanceof DataView))) return;
  const what = d === null ? 'null' : typeof d === 'string' ? `the string '${d}'` : typeof d;
  throw new DTypeError(
    `tensor: could not infer dtype of ${what}; expected numbers, booleans or arrays of them`,
  );
}

function nestedShape(data: NestedData): number[] {
  const shape: number[] = [];
  let d: NestedData = data;
  while (typeof d !== 'number' && typeof d !== 'boolean') {
    checkSequence(d, shape.length);
    shape.push(d.length);
    if (d.length === 0) break;
    d = (d as ArrayLike<NestedData>)[0];
  }
  return shape;
}

function flatten(data: NestedData, shape: number[], out: TypedArray, dtype: DType): void {
  let k = 0;
  const visit = (d: NestedData, dim: number): void => {
    if (typeof d === 'number' || typeof d === 'boolean') {
      if (dim !== shape.length)
        throw new ValueError(`tensor: expected sequence at dim ${dim} but got a scalar`);
      out[k++] = castScalar(Number(d), dtype);
      return;
    }
    checkSequence(d, dim);
    if (dim >= shape.length || d.length !== shape[dim]) {
      throw new ValueError(
        `tensor: expected sequence of length ${shape[dim] ?? 0} at dim ${dim} (got ${d.length})`,
      );
    }
    for (const e of Array.from(d as ArrayLike<NestedData>)) visit(e, dim + 1);
  };
  visit(data, 0);
}

/** Copies a typed array into `out`, casting only where the array type does not already do it. */
function copyCast(src: TypedArray, out: TypedArray, dtype: DType): void {
  if (dtype !== 'bool' && dtype !== 'int64') {
    out.set(src);
    return;
  }
  for (let i = 0; i < src.length; i++) out[i] = castScalar(src[i], dtype);
}

/**
 * torch.tensor: copies `data` into a new tensor. Without a dtype, numbers that are all integers
 * give int64, any fraction the default float dtype, booleans bool, and a typed array its own type
 * (Float32Array float32, Int32Array int32, ...). JS has no 1.0 apart from 1, so pass a float dtype
 * where PyTorch code relies on a float literal. A Tensor is copied, detached.
 */
export function tensor(data: NestedData | Tensor, opts: TensorOptions = {}): Tensor {
  if (isTensor(data))
    return finish(
      data
        .detach()
        .to(opts.dtype ?? data.dtype)
        .to(opts.device ?? data.device)
        .clone(),
      opts,
    );
  const dtype = opts.dtype ?? inferDtype(data);
  const shape = nestedShape(data);
  const out = new (arrayCtor(dtype))(numelOf(shape));
  if (ArrayBuffer.isView(data)) copyCast(data as TypedArray, out, dtype);
  else flatten(data, shape, out, dtype);
  return fromReals(out, shape, { ...opts, dtype });
}

/**
 * A tensor of `shape` (default 1-d) holding a copy of `data`, made in one memcpy by the backend:
 * the fast path for values already in the array type `dtype` is stored in (float32 in a
 * Float32Array; float64 and int64 in a Float64Array; int32 in an Int32Array; uint8 and bool in a
 * Uint8Array, bool as 0/1). `dtype` defaults to the array's own (int64 must be asked for);
 * `tensor(typedArray)` checks and converts element by element instead.
 */
export function fromTypedArray(
  data: TypedArray,
  shape: Shape = [data.length],
  opts: TensorOptions = {},
): Tensor {
  const dtype = opts.dtype ?? inferDtype(data);
  const ctor = arrayCtor(dtype);
  if (!(data instanceof ctor))
    throw new DTypeError(
      `fromTypedArray: ${dtype} is stored in a ${ctor.name}, but got a ${data.constructor.name}`,
    );
  checkNewShape('fromTypedArray', shape);
  if (numelOf(shape) * numbersPer(dtype) !== data.length)
    throw new ShapeError(
      `fromTypedArray: shape ${fmtShape(shape)} is invalid for input of size ${data.length}`,
    );
  if (dtype === 'bool' && data.some((v) => v > 1))
    throw new ValueError('fromTypedArray: a bool tensor is stored as 0 and 1 only');
  return fromArray(data, shape, { ...opts, dtype });
}

/**
 * A tensor of `shape` filled with `value` (torch.full). The dtype, without one, follows the value:
 * an integer gives int64 (so 1.0 too, as JS cannot tell them apart), a fraction the default float
 * dtype, a boolean bool.
 */
export function full(shape: Shape, value: number | boolean, opts: TensorOptions = {}): Tensor {
  return filled('full', shape, value, opts);
}

function filled(op: string, shape: Shape, value: number | boolean, opts: TensorOptions): Tensor {
  const dtype = opts.dtype ?? inferDtype(value);
  checkNewShape(op, shape);
  // Straight into backend memory: a host array and its copy would be two fresh allocations.
  const device = opts.device ?? getDefaultDevice();
  checkComplexDevice(op, dtype, device);
  const be = getBackend(device);
  const size = numelOf(shape);
  const storage = be.alloc(dtype, size);
  const v = castScalar(Number(value), dtype);
  if (v !== 0 || Object.is(v, -0)) {
    be.fill({ storage, dtype, shape: [size], strides: [1], offset: 0 }, v);
  }
  return finish(wrapStorage(storage, shape), opts);
}

/**
 * A size as PyTorch takes it: one array (`zeros([2, 3])`) or the sizes as arguments
 * (`zeros(2, 3)`), then the options.
 */
export type SizeArgs<O> = [shape: Shape, opts?: O] | [...size: number[], opts: O] | number[];

function sizeArgs<O extends object>(op: string, args: readonly unknown[]): [Shape, O] {
  if (Array.isArray(args[0])) return [args[0] as Shape, (args[1] ?? {}) as O];
  const last = args[args.length - 1];
  const hasOpts = typeof last === 'object' && last !== null;
  const sizes = hasOpts ? args.slice(0, -1) : args;
  if (sizes.length === 0 || sizes.some((s) => typeof s !== 'number'))
    throw new ValueError(
      `${op}(): expected a size as an array or as numbers, but got (${args.map(describeArg).join(', ')})`,
    );
  return [sizes as number[], (hasOpts ? last : {}) as O];
}

function describeArg(v: unknown): string {
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? `'${v}'` : String(v);
  return Array.isArray(v) ? `[${v.map(describeArg).join(', ')}]` : 'an options object';
}

const defaultFloat = (opts: TensorOptions) => ({ ...opts, dtype: opts.dtype ?? getDefaultDtype() });

/**
 * A tensor of zeros (torch.zeros), shape given as an array or as numbers, in the default float
 * dtype unless `dtype` is given.
 */
export function zeros(...args: SizeArgs<TensorOptions>): Tensor {
  const [shape, opts] = sizeArgs<TensorOptions>('zeros', args);
  return filled('zeros', shape, 0, defaultFloat(opts));
}

/**
 * A tensor of ones (torch.ones), shape given as an array or as numbers, in the default float dtype
 * unless `dtype` is given.
 */
export function ones(...args: SizeArgs<TensorOptions>): Tensor {
  const [shape, opts] = sizeArgs<TensorOptions>('ones', args);
  return filled('ones', shape, 1, defaultFloat(opts));
}

/**
 * An uninitialized tensor (torch.empty), shape given as an array or as numbers, in the default
 * float dtype unless `dtype` is given. Zero-filled here, which is a valid "uninitialized" value.
 */
export function empty(...args: SizeArgs<TensorOptions>): Tensor {
  const [shape, opts] = sizeArgs<TensorOptions>('empty', args);
  return filled('empty', shape, 0, defaultFloat(opts));
}

type LikeOptions = TensorOptions;
// An option given as undefined (a layer passing its own options on) must not erase the default.
const like = (x: Tensor, opts: LikeOptions) => ({
  ...opts,
  dtype: opts.dtype ?? x.dtype,
  device: opts.device ?? x.device,
});
/** Zeros with x's shape, and its dtype and device unless given (torch.zeros_like). */
export const zerosLike = (x: Tensor, opts: LikeOptions = {}) => zeros(x.shape, like(x, opts));
/** Ones with x's shape, and its dtype and device unless given (torch.ones_like). */
export const onesLike = (x: Tensor, opts: LikeOptions = {}) => ones(x.shape, like(x, opts));
/**
 * An uninitialized (here zero-filled) tensor with x's shape, and its dtype and device unless given
 * (torch.empty_like).
 */
export const emptyLike = (x: Tensor, opts: LikeOptions = {}) => empty(x.shape, like(x, opts));
/** `value` in x's shape, and its dtype and device unless given (torch.full_like). */
export const fullLike = (x: Tensor, value: number | boolean, opts: LikeOptions = {}) =>
  full(x.shape, value, like(x, opts));
/**
 * Uniform samples in [0, 1) with x's shape, and its dtype and device unless given
 * (torch.rand_like); x must be floating unless a float dtype is given.
 */
export const randLike = (x: Tensor, opts: RandomOptions = {}) => rand(x.shape, like(x, opts));
/**
 * Standard normal samples with x's shape, and its dtype and device unless given (torch.randn_like);
 * x must be floating unless a float dtype is given.
 */
export const randnLike = (x: Tensor, opts: RandomOptions = {}) => randn(x.shape, like(x, opts));

/**
 * The 1-D sequence start, start + step, ... below `end` (torch.arange; arange(end) starts at 0).
 * int64 when start, end and step are all integers, else the default float dtype.
 */
export function arange(end: number, opts?: TensorOptions): Tensor;
export function arange(start: number, end?: number, step?: number, opts?: TensorOptions): Tensor;
export function arange(
  start: number,
  endOrOpts?: number | TensorOptions,
  step = 1,
  opts: TensorOptions = {},
): Tensor {
  // arange(end, { device }) as torch.arange(end, device=...).
  let end = typeof endOrOpts === 'object' ? undefined : endOrOpts;
  if (typeof endOrOpts === 'object') opts = endOrOpts;
  if (end === undefined) [start, end] = [0, start];
  if (![start, end, step].every((v) => typeof v === 'number'))
    throw new TypeError(`arange: expected numbers, got (${start}, ${end}, ${step})`);
  if (step === 0) throw new ValueError('arange: step must be nonzero');
  if ((end - start) / step < 0) {
    throw new ValueError(
      `arange: upper bound and larger bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`,
    );
  }
  const allInt = [start, end, step].every(Number.isInteger);
  const dtype = opts.dtype ?? (allInt ? 'int64' : getDefaultDtype());
  const n = Math.ceil((end - start) / step);
  const data = new (arrayCtor(dtype))(n);
  for (let i = 0; i < n; i++) data[i] = castScalar(start + i * step, dtype);
  return fromReals(data, [n], { ...opts, dtype });
}

/**
 * `steps` evenly spaced values from start to end, both included (torch.linspace), in the default
 * float dtype unless given.
 */
export function linspace(
  start: number,
  end: number,
  steps: number,
  opts: TensorOptions = {},
): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError(`linspace: number of steps must be non-negative, got ${steps}`);
  const dtype = opts.dtype ?? getDefaultDtype();
  const data = new (arrayCtor(dtype))(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Symmetric fill from both ends, as ATen does, so the last value is exactly `end`.
  const half = steps === 1 ? 1 : Math.floor(steps / 2);
  for (let i = 0; i < steps; i++)
    data[i] = castScalar(i < half ? start + step * i : end - step * (steps - 1 - i), dtype);
  return fromReals(data, [steps], { ...opts, dtype });
}

/**
 * The n x m identity matrix, m defaulting to n (torch.eye), in the default float dtype unless
 * given.
 */
export function eye(n: number, m: number = n, opts: TensorOptions = {}): Tensor {
  const dtype = opts.dtype ?? getDefaultDtype();
  checkNewShape('eye', [n, m]);
  const data = new (arrayCtor(dtype))(n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return fromReals(data, [n, m], { ...opts, dtype });
}

function randomTensor(
  op: string,
  shape: Shape,
  opts: RandomOptions,
  sample: (g: Generator) => number,
): Tensor {
  const dtype = opts.dtype ?? getDefaultDtype();
  if (!isFloating(dtype))
    throw new DTypeError(`${op}: expected a floating point dtype, got ${dtype}`);
  checkNewShape(op, shape);
  const g = opts.generator ?? defaultGenerator;
  const data = new (arrayCtor(dtype))(numelOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = sample(g);
  return fromArray(data, shape, { ...opts, dtype });
}

/**
 * Samples uniform in [0, 1) (torch.rand), shape given as an array or as numbers, in the default
 * float dtype unless a float `dtype` is given; from `generator` or the default one.
 */
export function rand(...args: SizeArgs<RandomOptions>): Tensor {
  const [shape, opts] = sizeArgs<RandomOptions>('rand', args);
  return randomTensor('rand', shape, opts, (g) => g.random());
}

/**
 * Standard normal samples (torch.randn), shape given as an array or as numbers, in the default
 * float dtype unless a float `dtype` is given; from `generator` or the default one.
 */
export function randn(...args: SizeArgs<RandomOptions>): Tensor {
  const [shape, opts] = sizeArgs<RandomOptions>('randn', args);
  return randomTensor('randn', shape, opts, (g) => g.normal());
}

/**
 * Normal samples with the given mean and standard deviation (>= 0), of `shape` (torch.normal with
 * float mean and std), in the default float dtype unless a float `dtype` is given.
 */
export function normal(mean: number, std: number, shape: Shape, opts: RandomOptions = {}): Tensor {
  if (!(std >= 0)) throw new ValueError(`normal: expected std >= 0.0, got ${std}`);
  return randomTensor('normal', shape, opts, (g) => mean + std * g.normal());
}

/** Integers uniform in [low, high) of `shape` (torch.randint), int64 unless `dtype` is given. */
export function randint(low: number, high: number, shape: Shape, opts: RandomOptions = {}): Tensor {
  if (!(high > low))
    throw new ValueError(
      `randint: random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`,
    );
  const dtype = opts.dtype ?? 'int64';
  checkNewShape('randint', shape);
  const g = opts.generator ?? defaultGenerator;
  const data = new (arrayCtor(dtype))(numelOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = g.randint(low, high);
  return fromReals(data, shape, { ...opts, dtype });
}

/** A random permutation of 0 .. n - 1 (torch.randperm), int64 unless `dtype` is given. */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(`randperm: n must be non-negative, got ${n}`);
  const g = opts.generator ?? defaultGenerator;
  const dtype = opts.dtype ?? 'int64';
  const perm = new (arrayCtor(dtype))(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return fromReals(perm, [n], { ...opts, dtype });
}
