import type { BinaryOp, Storage, UnaryOp, View } from '../backend';
import { getDefaultDtype } from '../defaults';
import { apply, isGradEnabled, isObserving, rebaseInplace } from '../dispatch';
import type { DType } from '../dtype';
import { allocArray, isFloating, isIntegral } from '../dtype';
import { DTypeError, fmtShape, ShapeError, TensileError, ValueError } from '../errors';
import { broadcastShapes, type Shape, sameShape } from '../shape';
import type { Tensor } from '../tensor';
import { isTensor, type TensorLike, wrapStorage } from '../tensor-base';
import {
  broadcastView,
  denseOrder,
  operands,
  orderedStrides,
  permuteView,
  resultTypeOf,
} from './broadcast';

const floatOut = (dtype: DType): DType => (isFloating(dtype) ? dtype : getDefaultDtype());

function unary(op: UnaryOp, x: Tensor, dtype: DType = x.dtype): Tensor {
  return apply(op, [x], {}, () =>
    laidOut([x], x.shape, (v) => x.storage.backend.unary(op, v(x), dtype)),
  );
}

/**
 * An elementwise result of `shape` from `compute`, which reads each operand through `view`:
 * in the operands' shared dense layout where they have one (denseOrder), else row-major.
 */
function laidOut(
  operands: readonly Tensor[],
  shape: Shape,
  compute: (view: (t: Tensor) => View) => Storage,
): Tensor {
  const order = denseOrder(operands, shape);
  if (!order)
    return wrapStorage(
      compute((t) => broadcastView(t, shape)),
      shape,
    );
  const storage = compute((t) => permuteView(broadcastView(t, shape), order));
  return wrapStorage(storage, shape, orderedStrides(shape, order));
}

/** A float op: integer and bool inputs give the default float dtype, as in PyTorch. */
const floatUnary = (op: UnaryOp) => (x: Tensor) => unary(op, x, floatOut(x.dtype));
const sameUnary = (op: UnaryOp) => (x: Tensor) => unary(op, x);

function noBool(op: string, x: Tensor): void {
  if (x.dtype === 'bool') throw new DTypeError(`${op}: not implemented for 'bool' tensors`);
}

export const sqrt = floatUnary('sqrt');
export const rsqrt = floatUnary('rsqrt');
export const exp = floatUnary('exp');
export const expm1 = floatUnary('expm1');
export const log = floatUnary('log');
export const log1p = floatUnary('log1p');
export const log2 = floatUnary('log2');
export const sin = floatUnary('sin');
export const cos = floatUnary('cos');
export const tan = floatUnary('tan');
export const asin = floatUnary('asin');
export const acos = floatUnary('acos');
export const atan = floatUnary('atan');
export const sinh = floatUnary('sinh');
export const cosh = floatUnary('cosh');
export const tanh = floatUnary('tanh');
export const sigmoid = floatUnary('sigmoid');
export const erf = floatUnary('erf');
export const reciprocal = floatUnary('reciprocal');
export const floor = sameUnary('floor');
export const ceil = sameUnary('ceil');
export const trunc = sameUnary('trunc');
export const sign = sameUnary('sign');
export const isnan = (x: Tensor) => unary('isnan', x, 'bool');
export const isinf = (x: Tensor) => unary('isinf', x, 'bool');
export const isfinite = (x: Tensor) => unary('isfinite', x, 'bool');
export const logicalNot = (x: Tensor) => unary('logicalNot', x, 'bool');

export function neg(x: Tensor): Tensor {
  if (x.dtype === 'bool')
    throw new DTypeError(
      'neg: Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logicalNot()` operator instead.',
    );
  return unary('neg', x);
}
export function abs(x: Tensor): Tensor {
  noBool('abs', x);
  return unary('abs', x);
}
export function relu(x: Tensor): Tensor {
  noBool('relu', x);
  return unary('relu', x);
}

export function round(x: Tensor, opts: { decimals?: number } = {}): Tensor {
  const d = opts.decimals ?? 0;
  if (d === 0) return unary('round', x);
  const scale = 10 ** d;
  return div(unary('round', mul(x, scale)), scale);
}

export function frac(x: Tensor): Tensor {
  return sub(x, trunc(x));
}

export function square(x: Tensor): Tensor {
  return mul(x, x);
}

/** Applies a binary kernel with broadcasting; `out` maps the compute dtype to the result dtype. */
/** Integer ops that PyTorch rejects for a zero divisor instead of returning garbage. */
const INT_DIVISIONS = new Set<BinaryOp>(['floorDiv', 'fmod', 'remainder']);

function binary(
  op: BinaryOp,
  a: TensorLike,
  b: TensorLike,
  out: (compute: DType) => DType = (d) => d,
): Tensor {
  const compute = resultTypeOf(a, b);
  const [A, B] = operands(op, [a, b], compute);
  const shape = broadcastShapes(op, A.shape, B.shape);
  const dtype = out(compute);
  if (INT_DIVISIONS.has(op) && isIntegral(compute, true) && B.eq(0).any().item()) {
    throw new ValueError(`${op}: ZeroDivisionError (integer division by zero)`);
  }
  return apply(op, [A, B], {}, () =>
    laidOut([A, B], shape, (v) => A.storage.backend.binary(op, v(A), v(B), dtype)),
  );
}

const toBool = () => 'bool' as DType;

export function add(a: TensorLike, b: TensorLike, opts: { alpha?: number } = {}): Tensor {
  return binary('add', a, opts.alpha === undefined || opts.alpha === 1 ? b : mul(b, opts.alpha));
}
export function sub(a: TensorLike, b: TensorLike, opts: { alpha?: number } = {}): Tensor {
  if (isTensor(a) && a.dtype === 'bool' && isTensor(b) && b.dtype === 'bool') {
    throw new DTypeError(
      'sub: Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logicalXor()` operator instead.',
    );
  }
  return binary('sub', a, opts.alpha === undefined || opts.alpha === 1 ? b : mul(b, opts.alpha));
}
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary('mul', a, b);
}

export interface DivOptions {
  roundingMode?: 'trunc' | 'floor' | null;
}
export function div(a: TensorLike, b: TensorLike, opts: DivOptions = {}): Tensor {
  const mode = opts.roundingMode ?? null;
  if (mode !== null && mode !== 'trunc' && mode !== 'floor') {
    throw new ValueError(
      `div: expected rounding_mode to be one of null, 'trunc', or 'floor' but found '${mode}'`,
    );
  }
  if (opts.roundingMode === 'floor') return floorDivide(a, b);
  const q = binary('div', a, b, floatOut);
  if (opts.roundingMode !== 'trunc') return q;
  const compute = resultTypeOf(a, b);
  return isIntegral(compute) ? trunc(q).to(compute) : trunc(q);
}
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  return binary('floorDiv', a, b);
}
export function pow(a: TensorLike, b: TensorLike): Tensor {
  // Only a scalar exponent is rejected; tensor exponents give integer results (2 ** -1 == 0).
  if (isIntegral(resultTypeOf(a, b)) && typeof b === 'number' && b < 0) {
    throw new ValueError('pow: Integers to negative integer powers are not allowed.');
  }
  return binary('pow', a, b);
}
export const maximum = (a: Tensor, b: TensorLike) => binary('maximum', a, b);
export const minimum = (a: Tensor, b: TensorLike) => binary('minimum', a, b);
export const fmod = (a: TensorLike, b: TensorLike) => binary('fmod', a, b);
export const remainder = (a: TensorLike, b: TensorLike) => binary('remainder', a, b);
export const atan2 = (a: TensorLike, b: TensorLike) => binary('atan2', a, b, floatOut);
/**
 * relu's gradient from the output gradient and relu's output: zero where the output is <= 0
 * (PyTorch's threshold_backward(grad, output, 0)), one pass where where(le) takes two.
 */
export const reluBackward = (grad: TensorLike, output: TensorLike) =>
  binary('reluBackward', grad, output);
export const eq = (a: TensorLike, b: TensorLike) => binary('eq', a, b, toBool);
export const ne = (a: TensorLike, b: TensorLike) => binary('ne', a, b, toBool);
export const lt = (a: TensorLike, b: TensorLike) => binary('lt', a, b, toBool);
export const le = (a: TensorLike, b: TensorLike) => binary('le', a, b, toBool);
export const gt = (a: TensorLike, b: TensorLike) => binary('gt', a, b, toBool);
export const ge = (a: TensorLike, b: TensorLike) => binary('ge', a, b, toBool);
export const logicalAnd = (a: TensorLike, b: TensorLike) => binary('logicalAnd', a, b, toBool);
export const logicalOr = (a: TensorLike, b: TensorLike) => binary('logicalOr', a, b, toBool);
export const logicalXor = (a: TensorLike, b: TensorLike) => binary('logicalXor', a, b, toBool);

export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (condition.dtype !== 'bool' && condition.dtype !== 'uint8') {
    throw new DTypeError(
      `where: expected condition to be a boolean tensor, but got a tensor with dtype ${condition.dtype}`,
    );
  }
  const dtype = resultTypeOf(a, b);
  const [A, B] = operands('where', [a, b], dtype, condition);
  const shape = broadcastShapes('where', condition.shape, A.shape, B.shape);
  return apply('where', [condition, A, B], {}, () =>
    wrapStorage(
      A.storage.backend.where(
        broadcastView(condition, shape),
        broadcastView(A, shape),
        broadcastView(B, shape),
        dtype,
      ),
      shape,
    ),
  );
}

/** clamp(x, min, max); recorded as one op so the gradient passes where min <= x <= max. */
export function clamp(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new ValueError("clamp: At least one of 'min' or 'max' must not be None");
  }
  const bounds = [min, max].filter((v): v is TensorLike => v !== undefined && v !== null);
  const dtype = resultTypeOf(x, ...bounds);
  const [X, lo, hi] = operands('clamp', [x, min ?? -Infinity, max ?? Infinity], dtype);
  const attrs = {
    hasMin: min !== undefined && min !== null,
    hasMax: max !== undefined && max !== null,
  };
  return apply('clamp', [X, lo, hi], attrs, () => {
    let out = X;
    if (attrs.hasMin) out = binary('maximum', out, lo);
    if (attrs.hasMax) out = binary('minimum', out, hi);
    return out === X ? X.clone() : out;
  });
}

/** PyTorch's lerp: start + weight * (end - start), computed from the nearer end for accuracy. */
export function lerp(start: Tensor, end: TensorLike, weight: TensorLike): Tensor {
  const diff = sub(end, start);
  const fromStart = () => add(start, mul(diff, weight));
  const fromEnd = () => sub(end, mul(diff, isTensor(weight) ? sub(1, weight) : 1 - Number(weight)));
  if (!isTensor(weight)) return Math.abs(Number(weight)) < 0.5 ? fromStart() : fromEnd();
  return where(lt(abs(weight), 0.5), fromStart(), fromEnd());
}

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
}
export function isclose(a: Tensor, b: TensorLike, opts: CloseOptions = {}): Tensor {
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = opts;
  const diff = sub(a, b);
  const tol = add(mul(abs(isTensor(b) ? b : fullLikeScalar(a, Number(b))), rtol), atol);
  let res = logicalOr(eq(a, b), logicalAnd(le(abs(diff), tol), isfinite(diff)));
  if (equalNan)
    res = logicalOr(res, logicalAnd(isnan(a), isTensor(b) ? isnan(b) : Number.isNaN(b)));
  return res;
}
function fullLikeScalar(like: Tensor, value: number): Tensor {
  return operands('isclose', [like, value], resultTypeOf(like, value))[1];
}

export function allclose(a: Tensor, b: TensorLike, opts: CloseOptions = {}): boolean {
  return isclose(a, b, opts).all().item() !== 0;
}
export function equal(a: Tensor, b: Tensor): boolean {
  return sameShape(a.shape, b.shape) && eq(a, b).all().item() !== 0;
}

export interface NanToNumOptions {
  nan?: number;
  posinf?: number;
  neginf?: number;
}
export function nanToNum(x: Tensor, opts: NanToNumOptions = {}): Tensor {
  if (!isFloating(x.dtype)) return x.clone();
  const big = x.dtype === 'float32' ? 3.4028234663852886e38 : Number.MAX_VALUE;
  let out = where(isnan(x), opts.nan ?? 0, x);
  out = where(eq(x, Infinity), opts.posinf ?? big, out);
  return where(eq(x, -Infinity), opts.neginf ?? -big, out);
}

/** Whether a value of dtype `from` may be written into `to` in place (torch.can_cast). */
function canCast(from: DType, to: DType): boolean {
  if (isFloating(from)) return isFloating(to);
  if (isIntegral(from)) return to !== 'bool';
  return true;
}

/**
 * The value an in-place op computes from. When autograd may record the op, it is a copy, so the
 * backward formula reads the value from before the write (PyTorch keeps the original likewise).
 */
export function original(self: Tensor, ...others: unknown[]): Tensor {
  const recorded =
    isGradEnabled() && (self.requiresGrad || others.some((o) => isTensor(o) && o.requiresGrad));
  return recorded ? self.clone() : self;
}

/**
 * self op= other, written straight into self's storage where nothing is recorded (no grad is
 * involved, as in an optimizer's step), the backend has binaryInto, other has self's dtype
 * (or is a number and self is floating) and does not overlap self. Returns false otherwise,
 * and the caller takes the general path, which also raises every error.
 */
function binaryInto(op: BinaryOp, self: Tensor, other: TensorLike): boolean {
  const be = self.storage.backend;
  if (!be.binaryInto || !isFloating(self.dtype) || isObserving()) return false;
  if (isGradEnabled() && (self.requiresGrad || (isTensor(other) && other.requiresGrad)))
    return false;
  if (self.shape.some((s, d) => s > 1 && self.strides[d] === 0)) return false;
  let b: View;
  if (typeof other === 'number') {
    const storage = be.fromArray(allocArray(self.dtype, 1).fill(other), self.dtype);
    b = {
      storage,
      dtype: self.dtype,
      shape: self.shape,
      strides: self.shape.map(() => 0),
      offset: 0,
    };
  } else if (isTensor(other)) {
    if (other.dtype !== self.dtype || other.storage.backend !== be) return false;
    const same =
      other.offset === self.offset &&
      sameShape(other.shape, self.shape) &&
      sameShape(other.strides, self.strides);
    if (other.storage === self.storage && !same) return false;
    if (!sameShape(broadcastShapes(op, self.shape, other.shape), self.shape)) return false;
    b = broadcastView(other, self.shape);
  } else {
    return false;
  }
  be.binaryInto(op, self, self, b);
  self.storage.version++;
  return true;
}

/** add_/sub_/mul_/div_: in place without a temporary where binaryInto allows it. */
export function binaryInplace<T extends Tensor>(
  op: 'add' | 'sub' | 'mul' | 'div',
  self: T,
  other: TensorLike,
  opts: { alpha?: number; roundingMode?: DivOptions['roundingMode'] } = {},
): T {
  if (!opts.roundingMode) {
    if (opts.alpha === undefined || opts.alpha === 1) {
      if (binaryInto(op, self, other)) return self;
    } else if (isTensor(other) && !isGradEnabled()) {
      // self += alpha * other: one temporary instead of two.
      if (binaryInto(op, self, mul(other, opts.alpha))) return self;
    }
  }
  const fn = { add, sub, mul, div }[op] as (a: TensorLike, b: TensorLike, o: object) => Tensor;
  return inplace(`${op}_`, self, fn(original(self, other), other, opts));
}

/**
 * Writes `result` into `self`'s storage: the common end of every in-place op. Errors as
 * PyTorch does for leaves that require grad and for results that do not fit `self`.
 */
export function inplace<T extends Tensor>(op: string, self: T, result: Tensor): T {
  if (isGradEnabled() && self.requiresGrad && self.isLeaf) {
    throw new TensileError(
      `${op}: a leaf Variable that requires grad is being used in an in-place operation.`,
    );
  }
  const base = self.base;
  if (isGradEnabled() && self.requiresGrad && base?.requiresGrad && base.isLeaf) {
    throw new TensileError(
      `${op}: a view of a leaf Variable that requires grad is being used in an in-place operation.`,
    );
  }
  if (self.shape.some((s, d) => s > 1 && self.strides[d] === 0)) {
    throw new ValueError(
      `${op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.`,
    );
  }
  const shape = broadcastShapes(op, self.shape, result.shape);
  if (!sameShape(shape, self.shape)) {
    throw new ShapeError(
      `${op}: output with shape ${fmtShape(self.shape)} doesn't match the broadcast shape ${fmtShape(shape)}`,
    );
  }
  if (!canCast(result.dtype, self.dtype)) {
    throw new DTypeError(
      `${op}: result type ${result.dtype} can't be cast to the desired output type ${self.dtype}`,
    );
  }
  const src = result.storage === self.storage ? result.clone() : result;
  self.storage.backend.write(self, broadcastView(src, self.shape));
  self.storage.version++;
  rebaseInplace(self, result);
  return self;
}

/** copy_/fill_: writes `src` (broadcast, cast to self's dtype) into self. */
export function copy_<T extends Tensor>(self: T, src: TensorLike): T {
  const value = isTensor(src) ? src.to(self.dtype) : operands('copy_', [self, src], self.dtype)[1];
  return inplace('copy_', self, value.device === self.device ? value : value.to(self.device));
}
