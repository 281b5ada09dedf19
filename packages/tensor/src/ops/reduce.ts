import type { ReduceOp } from '../backend';
import { getDefaultDtype } from '../defaults';
import { apply, composite } from '../dispatch';
import type { DType } from '../dtype';
import { isComplex, isDifferentiableType, isFloating, isIntegral } from '../dtype';
import { DTypeError, IndexError, refuseComplex, ValueError } from '../errors';
import { normalizeDim, normalizeDims, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { isTensor, type ValuesIndices, valuesIndices, wrapStorage } from '../tensor-base';
import * as E from './elementwise';
import * as V from './views';

/**
 * The options of reductions that take no dtype in PyTorch (amax, amin, max, min, argmax, argmin,
 * all, any, var, std, logsumexp).
 */
export interface KeepdimOptions {
  /** Keep each reduced dim as size 1 instead of removing it (default false). */
  keepdim?: boolean;
}

/** The options of sum, prod, mean and the other reductions that take a dtype. */
export interface ReduceOptions extends KeepdimOptions {
  /**
   * Cast the input to this dtype before reducing, as PyTorch's `dtype` argument (sum, prod and mean
   * then return it).
   */
  dtype?: DType;
}

/**
 * PyTorch's amax, all, var, ... take no dtype: a dtype passed from JavaScript (which the types
 * do not stop) is an error, not a cast the result does not follow.
 */
function noDtype(op: string, opts: KeepdimOptions): void {
  if ((opts as ReduceOptions).dtype !== undefined)
    throw new ValueError(`${op}() got an unexpected keyword argument 'dtype'`);
}

/** The reduced shape, with the reduced dims kept as size 1 under keepdim. */
function reducedShape(input: Shape, dims: readonly number[], keepdim: boolean | undefined): Shape {
  return keepdim
    ? input.map((s, i) => (dims.includes(i) ? 1 : s))
    : input.filter((_, i) => !dims.includes(i));
}

function reduceTo(
  op: ReduceOp,
  x: Tensor,
  dim: number | Shape | undefined,
  opts: ReduceOptions,
  dtype: DType,
): Tensor {
  const dims = normalizeDims(op, dim, x.ndim);
  const src = opts.dtype !== undefined && opts.dtype !== x.dtype ? x.to(opts.dtype) : x;
  // A 0-d input reduces as a one-element vector.
  const [view, kdims] = x.ndim === 0 ? [V.view(src, [1]), [0]] : [src, dims];
  // keepdim shapes the fresh result directly: one node, named as PyTorch's (no view after it).
  return apply(op, [src], { dims, keepdim: !!opts.keepdim }, () =>
    wrapStorage(
      view.storage.backend.reduce(op, view, kdims, dtype),
      reducedShape(x.shape, dims, opts.keepdim),
    ),
  );
}

/** Sums of integers and bools are int64, as in PyTorch. */
const sumDtype = (dtype: DType) => (isIntegral(dtype, true) ? 'int64' : dtype);

/**
 * The sum over `dim` (a dim or a list; all dims when omitted) (torch.sum). Integers and bools sum
 * to int64 unless `dtype` says otherwise.
 */
export function sum(x: Tensor, dim?: number | Shape, opts: ReduceOptions = {}): Tensor {
  return reduceTo('sum', x, dim, opts, opts.dtype ?? sumDtype(x.dtype));
}

/**
 * The product over `dim`, or all elements when omitted (torch.prod). Integers and bools give int64
 * unless `dtype` says otherwise.
 */
export function prod(x: Tensor, dim?: number, opts: ReduceOptions = {}): Tensor {
  return reduceTo('prod', x, dim, opts, opts.dtype ?? sumDtype(x.dtype));
}

function countOf(op: string, x: Tensor, dim: number | Shape | undefined): number {
  return normalizeDims(op, dim, x.ndim).reduce((n, d) => n * (x.shape[d] ?? 1), 1);
}

/**
 * The mean over `dim` (a dim or a list; all dims when omitted) (torch.mean); the dtype (or `dtype`)
 * must be floating, as PyTorch requires.
 */
export function mean(x: Tensor, dim?: number | Shape, opts: ReduceOptions = {}): Tensor {
  const dtype = opts.dtype ?? x.dtype;
  if (!isDifferentiableType(dtype)) {
    throw new DTypeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`,
    );
  }
  const dims = normalizeDims('mean', dim, x.ndim);
  const count = countOf('mean', x, dim);
  // Its own node (MeanBackward0/1 as in PyTorch), not the sum and division it is made of.
  return apply('mean', [x], { dims, keepdim: !!opts.keepdim, count }, () =>
    E.div(sum(x, dim, { ...opts, dtype }), count),
  );
}

function checkNonEmpty(op: string, x: Tensor, dims: readonly number[]): void {
  if (dims.some((d) => x.shape[d] === 0) || (x.ndim === 0 && x.numel() === 0)) {
    throw new IndexError(
      `${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
    );
  }
}

function extreme(
  op: 'max' | 'min',
  x: Tensor,
  dim: number | Shape | undefined,
  opts: KeepdimOptions,
): Tensor {
  const name = op === 'max' ? 'amax' : 'amin';
  noDtype(name, opts);
  checkNonEmpty(name, x, normalizeDims(op, dim, x.ndim));
  return reduceTo(op, x, dim, opts, x.dtype);
}

/**
 * The maximum over `dim` (a dim or a list; all dims when omitted), values only (torch.amax); an
 * empty reduced dim throws. Differentiable.
 */
export const amax = (x: Tensor, dim?: number | Shape, opts: KeepdimOptions = {}) =>
  extreme('max', x, dim, opts);
/**
 * The minimum over `dim` (a dim or a list; all dims when omitted), values only (torch.amin); an
 * empty reduced dim throws. Differentiable.
 */
export const amin = (x: Tensor, dim?: number | Shape, opts: KeepdimOptions = {}) =>
  extreme('min', x, dim, opts);

function argReduce(
  op: 'argmax' | 'argmin',
  x: Tensor,
  dim: number | undefined,
  opts: KeepdimOptions,
): Tensor {
  noDtype(op, opts);
  // Not differentiable, so not an `apply` op: a composite, for exporters to see.
  const attrs = { dim: dim ?? null, keepdim: !!opts.keepdim };
  return composite(op, [x], attrs, () => argIndices(op, x, dim, opts));
}

function argIndices(
  op: 'argmax' | 'argmin',
  x: Tensor,
  dim: number | undefined,
  opts: KeepdimOptions,
): Tensor {
  if (dim === undefined) {
    if (x.numel() === 0)
      throw new IndexError(
        `${op}(): Expected reduction dim to be specified for input.numel() == 0.`,
      );
    const flat = V.reshape(x, [-1]);
    const out = wrapStorage(flat.storage.backend.argReduce(op, flat, 0), []);
    return opts.keepdim
      ? V.view(
          out,
          x.shape.map(() => 1),
        )
      : out;
  }
  const d = normalizeDim(op, dim, x.ndim);
  const src = x.ndim === 0 ? V.view(x, [1]) : x;
  checkNonEmpty(op, src, [d]);
  const shape = x.ndim === 0 ? [] : reducedShape(src.shape, [d], opts.keepdim);
  return wrapStorage(src.storage.backend.argReduce(op, src, d), shape);
}

/**
 * The int64 index of the maximum along `dim`, or into x flattened when `dim` is omitted
 * (torch.argmax). Not differentiable.
 */
export const argmax = (x: Tensor, dim?: number, opts: KeepdimOptions = {}) =>
  argReduce('argmax', x, dim, opts);
/**
 * The int64 index of the minimum along `dim`, or into x flattened when `dim` is omitted
 * (torch.argmin). Not differentiable.
 */
export const argmin = (x: Tensor, dim?: number, opts: KeepdimOptions = {}) =>
  argReduce('argmin', x, dim, opts);

function maxMin(
  op: 'max' | 'min',
  x: Tensor,
  arg: number | Tensor | undefined,
  opts: KeepdimOptions,
): Tensor | ValuesIndices {
  noDtype(op, opts);
  if (isTensor(arg)) return op === 'max' ? E.maximum(x, arg) : E.minimum(x, arg);
  if (arg === undefined) {
    checkNonEmpty(
      op,
      x,
      x.shape.map((_, i) => i),
    );
    return reduceTo(op, x, undefined, {}, x.dtype);
  }
  const indices = argReduce(op === 'max' ? 'argmax' : 'argmin', x, arg, { keepdim: true });
  const gradName = op === 'max' ? 'MaxBackward0' : 'MinBackward0';
  if (x.ndim === 0)
    return valuesIndices(
      apply('clone', [x], { gradName }, () => x.clone()),
      indices,
    );
  const d = normalizeDim(op, arg, x.ndim);
  // One gather node named MaxBackward0/MinBackward0 as PyTorch's; its formula reshapes the
  // gradient to the index's shape, so the squeeze needs no node of its own.
  const values = apply('gather', [x, indices], { dim: d, gradName }, () => {
    const kept = x.gather(d, indices);
    return opts.keepdim ? kept : V.squeeze(kept, d);
  });
  return valuesIndices(values, opts.keepdim ? indices : V.squeeze(indices, d));
}

/**
 * torch.max in its three forms: max(x) is the largest element as a 0-d tensor; max(x, dim) is
 * [values, indices] along `dim` (int64 indices, values differentiable); max(x, other) is maximum(x,
 * other).
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, opts?: KeepdimOptions): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(
  x: Tensor,
  arg?: number | Tensor,
  opts: KeepdimOptions = {},
): Tensor | ValuesIndices {
  return maxMin('max', x, arg, opts);
}
/**
 * torch.min in its three forms: min(x) is the smallest element as a 0-d tensor; min(x, dim) is
 * [values, indices] along `dim` (int64 indices, values differentiable); min(x, other) is minimum(x,
 * other).
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, opts?: KeepdimOptions): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(
  x: Tensor,
  arg?: number | Tensor,
  opts: KeepdimOptions = {},
): Tensor | ValuesIndices {
  return maxMin('min', x, arg, opts);
}

/**
 * Whether every element over `dim` (all dims when omitted) is nonzero (torch.all): bool, or uint8
 * for a uint8 x.
 */
export function all(x: Tensor, dim?: number | Shape, opts: KeepdimOptions = {}): Tensor {
  noDtype('all', opts);
  // uint8 stays uint8, a PyTorch quirk kept for compatibility.
  return reduceTo('all', x, dim, opts, x.dtype === 'uint8' ? 'uint8' : 'bool');
}
/**
 * Whether some element over `dim` (all dims when omitted) is nonzero (torch.any): bool, or uint8
 * for a uint8 x.
 */
export function any(x: Tensor, dim?: number | Shape, opts: KeepdimOptions = {}): Tensor {
  noDtype('any', opts);
  return reduceTo('any', x, dim, opts, x.dtype === 'uint8' ? 'uint8' : 'bool');
}

/** Options of var and std. */
export interface VarOptions extends KeepdimOptions {
  /** Bessel's correction: 1 gives the unbiased estimate (the default), 0 the population one. */
  correction?: number;
}

/**
 * The variance over `dim` (all dims when omitted) (torch.var, exported as `var`): the squared
 * deviations' sum divided by n - correction (default 1, the unbiased estimate). Floating or
 * complex x (a complex variance is real, as PyTorch's).
 */
export function variance(x: Tensor, dim?: number | Shape, opts: VarOptions = {}): Tensor {
  noDtype('var', opts);
  // A complex variance is real: the mean squared modulus of the deviations, the parts' sum.
  if (isComplex(x.dtype)) return E.add(variance(x.real, dim, opts), variance(x.imag, dim, opts));
  if (!isFloating(x.dtype))
    throw new DTypeError(
      `var: std and var only support floating point and complex dtypes, got ${x.dtype}`,
    );
  const n = countOf('var', x, dim);
  const centered = E.sub(x, mean(x, dim, { keepdim: true }));
  const ss = sum(E.mul(centered, centered), dim, { keepdim: opts.keepdim });
  return E.div(ss, Math.max(0, n - (opts.correction ?? 1)));
}

/**
 * The standard deviation over `dim` (all dims when omitted): sqrt of var with the same `correction`
 * (torch.std). Floating x only.
 */
export function std(x: Tensor, dim?: number | Shape, opts: VarOptions = {}): Tensor {
  noDtype('std', opts);
  return E.sqrt(variance(x, dim, opts));
}

/** The p of a vector norm: a number (Infinity and -Infinity included) or 'fro', the same as 2. */
export type NormOrder = number | 'fro';

/**
 * The vector p-norm over `dim` (all dims when omitted; torch.norm, torch.linalg.vector_norm): 2 and
 * 'fro' the Euclidean norm, Infinity / -Infinity the largest / smallest |x|, 0 the count of
 * nonzeros, else (sum |x|^p)^(1/p). Floating x only.
 */
export function norm(
  x: Tensor,
  p: NormOrder = 2,
  dim?: number | Shape,
  opts: ReduceOptions = {},
): Tensor {
  if (isComplex(x.dtype) && opts.dtype !== undefined && !isComplex(opts.dtype))
    throw new DTypeError(
      `norm: dtype should be complex for complex inputs (got ${x.dtype} input and dtype ${opts.dtype})`,
    );
  // As linalg.vector_norm's dtype: the input is cast first, so every order returns that dtype.
  const src = opts.dtype !== undefined && opts.dtype !== x.dtype ? x.to(opts.dtype) : x;
  // A complex vector's norm is its moduli's (in the parts' dtype), as PyTorch's.
  if (isComplex(src.dtype)) return norm(E.abs(src), p, dim, { keepdim: opts.keepdim });
  if (!isFloating(src.dtype))
    throw new DTypeError(`norm: input dtype should be floating point, but got ${src.dtype}`);
  const keep = { keepdim: opts.keepdim };
  const a = E.abs(src);
  if (p === 'fro' || p === 2) {
    // Recorded as one op so its gradient, x / norm, can be 0 at the zero vector.
    const dims = normalizeDims('norm', dim, src.ndim);
    const keepdim = !!opts.keepdim;
    return apply('norm', [src], { dims, keepdim }, () =>
      E.sqrt(sum(E.mul(src, src), dims, { keepdim })),
    );
  }
  if (p === Infinity) return amax(a, dim, keep);
  if (p === -Infinity) return amin(a, dim, keep);
  if (p === 0) return sum(E.ne(src, 0).to(src.dtype), dim, keep);
  if (p === 1) return sum(a, dim, keep);
  if (typeof p !== 'number') throw new ValueError(`norm: unsupported norm order ${p}`);
  return E.pow(sum(E.pow(a, p), dim, keep), 1 / p);
}

/** Integer and bool inputs of a float-valued op are taken as the default float dtype. */
function asFloat(op: string, x: Tensor): Tensor {
  refuseComplex(op, x.dtype);
  return isFloating(x.dtype) ? x : x.to(getDefaultDtype());
}

/**
 * log(sum(exp(x))) over `dim` (a dim or a list) (torch.logsumexp), computed stably: the max is
 * subtracted first (infinite maxes excluded). Ints and bools give the default float dtype.
 */
export function logsumexp(x: Tensor, dim: number | Shape, opts: KeepdimOptions = {}): Tensor {
  noDtype('logsumexp', opts);
  const src = asFloat('logsumexp', x);
  const m = amax(src, dim, { keepdim: true }).detach();
  const shift = E.where(E.isinf(m), 0, m);
  const out = E.add(E.log(sum(E.exp(E.sub(src, shift)), dim, { keepdim: true })), shift);
  return opts.keepdim ? out : V.squeeze(out, normalizeDims('logsumexp', dim, x.ndim));
}

function cumulative(op: 'cumsum' | 'cumprod', x: Tensor, dim: number): Tensor {
  const d = normalizeDim(op, dim, x.ndim);
  const src = x.ndim === 0 ? V.view(x, [1]) : x;
  const out = apply(op, [x], { dim: d }, () =>
    wrapStorage(src.storage.backend.cumulative(op, src, d, sumDtype(x.dtype)), src.shape),
  );
  return x.ndim === 0 ? V.view(out, []) : out;
}

/** The running sum along `dim` (torch.cumsum), of x's shape; integers and bools give int64. */
export const cumsum = (x: Tensor, dim: number) => cumulative('cumsum', x, dim);
/** The running product along `dim` (torch.cumprod), of x's shape; integers and bools give int64. */
export const cumprod = (x: Tensor, dim: number) => cumulative('cumprod', x, dim);

/**
 * softmax without the composition: an empty x gives an empty result, as torch's (amax would
 * refuse a zero-size dim), else the backend's fused kernel where it takes x; null to compose.
 */
function directSoftmax(x: Tensor, dim: number, log: boolean): Tensor | null {
  if (x.numel() === 0) return x.clone();
  const storage = x.storage.backend.softmax?.(x, dim, log);
  return storage ? wrapStorage(storage, x.shape) : null;
}

/**
 * exp(x) normalized to sum to 1 along `dim` (torch.softmax), computed stably; ints and bools give
 * the default float dtype. Recorded as one op: its backward (y * (g - sum(g * y))) is cheaper than
 * the composite's.
 */
export function softmax(x: Tensor, dim: number): Tensor {
  const src = asFloat('softmax', x);
  const d = normalizeDim('softmax', dim, src.ndim);
  return apply('softmax', [src], { dim: d }, () => {
    const fused = directSoftmax(src, d, false);
    if (fused) return fused;
    const e = E.exp(E.sub(src, amax(src, d, { keepdim: true })));
    return E.div(e, sum(e, d, { keepdim: true }));
  });
}

/**
 * log(softmax(x)) along `dim`, computed stably as x - max - log(sum(exp(x - max)))
 * (torch.log_softmax); ints and bools give the default float dtype.
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const src = asFloat('logSoftmax', x);
  const d = normalizeDim('logSoftmax', dim, src.ndim);
  return apply('logSoftmax', [src], { dim: d }, () => {
    const fused = directSoftmax(src, d, true);
    if (fused) return fused;
    const shifted = E.sub(src, amax(src, d, { keepdim: true }));
    return E.sub(shifted, E.log(sum(E.exp(shifted), d, { keepdim: true })));
  });
}
