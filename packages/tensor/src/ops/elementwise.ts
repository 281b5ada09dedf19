import type { BinaryOp, Storage, UnaryOp, View } from '../backend';
import { getDefaultDtype } from '../defaults';
import { apply, isGradEnabled, isObserving, rebaseInplace } from '../dispatch';
import type { DType } from '../dtype';
import {
  allocArray,
  isComplex,
  isDifferentiableType,
  isFloating,
  isIntegral,
  realPartDtype,
} from '../dtype';
import {
  DTypeError,
  fmtShape,
  refuseComplex,
  ShapeError,
  TensileError,
  ValueError,
} from '../errors';
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

/** True division and float functions keep float and complex dtypes; the others give the default. */
const floatOut = (dtype: DType): DType => (isDifferentiableType(dtype) ? dtype : getDefaultDtype());

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

/** The square root of each element (NaN below 0). Ints and bools give the default float dtype. */
export const sqrt = floatUnary('sqrt');
/** 1 / sqrt(x) for each element (torch.rsqrt). Ints and bools give the default float dtype. */
export const rsqrt = floatUnary('rsqrt');
/** e to the power of each element. Ints and bools give the default float dtype. */
export const exp = floatUnary('exp');
/**
 * exp(x) - 1 for each element, accurate for x near 0. Ints and bools give the default float dtype.
 */
export const expm1 = floatUnary('expm1');
/**
 * The natural logarithm of each element (-inf at 0, NaN below). Ints and bools give the default
 * float dtype.
 */
export const log = floatUnary('log');
/**
 * log(1 + x) for each element, accurate for x near 0. Ints and bools give the default float dtype.
 */
export const log1p = floatUnary('log1p');
/** The base-2 logarithm of each element. Ints and bools give the default float dtype. */
export const log2 = floatUnary('log2');
/** The sine of each element, in radians. Ints and bools give the default float dtype. */
export const sin = floatUnary('sin');
/** The cosine of each element, in radians. Ints and bools give the default float dtype. */
export const cos = floatUnary('cos');
/** The tangent of each element, in radians. Ints and bools give the default float dtype. */
export const tan = floatUnary('tan');
/**
 * The arcsine of each element (torch.asin), NaN outside [-1, 1]. Ints and bools give the default
 * float dtype.
 */
export const asin = floatUnary('asin');
/**
 * The arccosine of each element (torch.acos), NaN outside [-1, 1]. Ints and bools give the default
 * float dtype.
 */
export const acos = floatUnary('acos');
/** The arctangent of each element (torch.atan). Ints and bools give the default float dtype. */
export const atan = floatUnary('atan');
/** The hyperbolic sine of each element. Ints and bools give the default float dtype. */
export const sinh = floatUnary('sinh');
/** The hyperbolic cosine of each element. Ints and bools give the default float dtype. */
export const cosh = floatUnary('cosh');
/** The hyperbolic tangent of each element. Ints and bools give the default float dtype. */
export const tanh = floatUnary('tanh');
/**
 * The logistic function 1 / (1 + exp(-x)) of each element. Ints and bools give the default float
 * dtype.
 */
export const sigmoid = floatUnary('sigmoid');
/** The Gauss error function of each element. Ints and bools give the default float dtype. */
export const erf = floatUnary('erf');
/** 1 / x for each element (inf at 0). Ints and bools give the default float dtype. */
export const reciprocal = floatUnary('reciprocal');
/** Each element rounded down, in x's dtype (integers come back unchanged). */
export const floor = sameUnary('floor');
/** Each element rounded up, in x's dtype (integers come back unchanged). */
export const ceil = sameUnary('ceil');
/** Each element rounded toward zero (its integer part), in x's dtype. */
export const trunc = sameUnary('trunc');
/** -1, 0 or 1 by the sign of each element, in x's dtype (torch.sign). */
export const sign = sameUnary('sign');
/** A bool tensor, true where x is NaN. */
export const isnan = (x: Tensor) => unary('isnan', x, 'bool');
/** A bool tensor, true where x is +inf or -inf. */
export const isinf = (x: Tensor) => unary('isinf', x, 'bool');
/** A bool tensor, true where x is neither NaN nor infinite (always true for integers). */
export const isfinite = (x: Tensor) => unary('isfinite', x, 'bool');
/** A bool tensor, true where x is zero (torch.logical_not). */
export const logicalNot = (x: Tensor) => unary('logicalNot', x, 'bool');

/** -x for each element, in x's dtype; bool tensors are refused (use logicalNot). */
export function neg(x: Tensor): Tensor {
  if (x.dtype === 'bool')
    throw new DTypeError(
      'neg: Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logicalNot()` operator instead.',
    );
  return unary('neg', x);
}
/**
 * |x| for each element, in x's dtype; bool tensors are refused. A complex tensor gives each
 * element's modulus in its parts' dtype (float32 for complex64), computed in float64.
 */
export function abs(x: Tensor): Tensor {
  noBool('abs', x);
  if (isComplex(x.dtype))
    return apply('abs', [x], {}, () =>
      modulus(x.real.double(), x.imag.double()).to(realPartDtype(x.dtype)),
    );
  return unary('abs', x);
}
/**
 * hypot(re, im) in float64 without overflow or underflow on the way: the parts are scaled by
 * the larger one (a complex128 modulus near 1e200 would overflow squared), an infinite part
 * gives inf even beside a NaN, as hypot does.
 */
function modulus(re: Tensor, im: Tensor): Tensor {
  const [a, b] = [abs(re), abs(im)];
  const m = maximum(a, b);
  const scale = where(logicalOr(eq(m, 0), isinf(m)), 1, m);
  const r = mul(sqrt(add(square(div(a, scale)), square(div(b, scale)))), scale);
  return where(logicalOr(isinf(a), isinf(b)), Infinity, r);
}

/** max(x, 0) for each element, in x's dtype (torch.relu); bool tensors are refused. */
export function relu(x: Tensor): Tensor {
  noBool('relu', x);
  return unary('relu', x);
}

/**
 * Each element rounded to `decimals` places (default 0), halves to even as torch.round. With
 * `decimals` it computes round(x * 10^d) / 10^d, so the result is a float.
 */
export function round(x: Tensor, opts: { decimals?: number } = {}): Tensor {
  const d = opts.decimals ?? 0;
  if (d === 0) return unary('round', x);
  const scale = 10 ** d;
  return div(unary('round', mul(x, scale)), scale);
}

/** x - trunc(x): the fractional part of each element, with its sign (torch.frac). */
export function frac(x: Tensor): Tensor {
  if (!isFloating(x.dtype))
    throw new DTypeError(`frac: not implemented for '${x.dtype}' tensors (only floating point)`);
  return sub(x, trunc(x));
}

/**
 * x * x for each element (torch.square): pow(x, 2), as PyTorch computes it, so the node is
 * PowBackward0 and a bool input squares to int64.
 */
export function square(x: Tensor): Tensor {
  return pow(x, 2);
}

/** Integer ops that PyTorch rejects for a zero divisor instead of returning garbage. */
const INT_DIVISIONS = new Set<BinaryOp>(['floorDiv', 'fmod', 'remainder']);

/** Applies a binary kernel with broadcasting; `out` maps the compute dtype to the result dtype. */
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

/** a + alpha * b with broadcasting and type promotion (torch.add); `alpha` (default 1) scales b. */
export function add(a: TensorLike, b: TensorLike, opts: { alpha?: number } = {}): Tensor {
  return binary('add', a, opts.alpha === undefined || opts.alpha === 1 ? b : mul(b, opts.alpha));
}
/**
 * a - alpha * b with broadcasting and type promotion (torch.sub); two bool tensors are refused (use
 * logicalXor).
 */
export function sub(a: TensorLike, b: TensorLike, opts: { alpha?: number } = {}): Tensor {
  if (isTensor(a) && a.dtype === 'bool' && isTensor(b) && b.dtype === 'bool') {
    throw new DTypeError(
      'sub: Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logicalXor()` operator instead.',
    );
  }
  return binary('sub', a, opts.alpha === undefined || opts.alpha === 1 ? b : mul(b, opts.alpha));
}
/** a * b elementwise with broadcasting and type promotion (torch.mul). */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary('mul', a, b);
}

/** How div rounds the quotient (torch.div's rounding_mode). */
export interface DivOptions {
  /** null (the default) for true division, 'trunc' to round toward zero, 'floor' toward -inf. */
  roundingMode?: 'trunc' | 'floor' | null;
}
/**
 * a / b with broadcasting (torch.div). Without `roundingMode` it is true division, so integer
 * inputs give the default float dtype; 'trunc' (toward zero) and 'floor' (toward -inf) round the
 * quotient and keep the promoted dtype.
 */
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
/**
 * a / b rounded toward -inf (torch.floor_divide, Python's //), in the promoted dtype; an integer
 * division by zero throws.
 */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  return binary('floorDiv', a, b);
}
/**
 * a to the power b elementwise with broadcasting and type promotion (torch.pow); an integer tensor
 * to a negative scalar power throws.
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  // Only a scalar exponent is rejected; tensor exponents give integer results (2 ** -1 == 0).
  if (isIntegral(resultTypeOf(a, b)) && typeof b === 'number' && b < 0) {
    throw new ValueError('pow: Integers to negative integer powers are not allowed.');
  }
  return binary('pow', a, b);
}
/**
 * The larger of a and b elementwise with broadcasting and type promotion (torch.maximum); a NaN on
 * either side gives NaN.
 */
export const maximum = (a: Tensor, b: TensorLike) => binary('maximum', a, b);
/**
 * The smaller of a and b elementwise with broadcasting and type promotion (torch.minimum); a NaN on
 * either side gives NaN.
 */
export const minimum = (a: Tensor, b: TensorLike) => binary('minimum', a, b);
/**
 * The remainder of a / b with the sign of a (torch.fmod, C's fmod); an integer division by zero
 * throws.
 */
export const fmod = (a: TensorLike, b: TensorLike) => binary('fmod', a, b);
/**
 * The remainder of a / b with the sign of b (torch.remainder, Python's %); an integer division by
 * zero throws.
 */
export const remainder = (a: TensorLike, b: TensorLike) => binary('remainder', a, b);
/**
 * The angle of the point (b, a), atan(a / b) in the right quadrant (torch.atan2), with
 * broadcasting; integer inputs give the default float dtype.
 */
export const atan2 = (a: TensorLike, b: TensorLike) => binary('atan2', a, b, floatOut);
/**
 * relu's gradient from the output gradient and relu's output: zero where the output is <= 0
 * (PyTorch's threshold_backward(grad, output, 0)), one pass where where(le) takes two.
 */
export const reluBackward = (grad: TensorLike, output: TensorLike) =>
  binary('reluBackward', grad, output);
/** a == b elementwise with broadcasting, as a bool tensor (torch.eq). */
export const eq = (a: TensorLike, b: TensorLike) => binary('eq', a, b, toBool);
/** a != b elementwise with broadcasting, as a bool tensor (torch.ne). */
export const ne = (a: TensorLike, b: TensorLike) => binary('ne', a, b, toBool);
/** a < b elementwise with broadcasting, as a bool tensor (torch.lt). */
export const lt = (a: TensorLike, b: TensorLike) => binary('lt', a, b, toBool);
/** a <= b elementwise with broadcasting, as a bool tensor (torch.le). */
export const le = (a: TensorLike, b: TensorLike) => binary('le', a, b, toBool);
/** a > b elementwise with broadcasting, as a bool tensor (torch.gt). */
export const gt = (a: TensorLike, b: TensorLike) => binary('gt', a, b, toBool);
/** a >= b elementwise with broadcasting, as a bool tensor (torch.ge). */
export const ge = (a: TensorLike, b: TensorLike) => binary('ge', a, b, toBool);
/** Both a and b nonzero, elementwise with broadcasting, as a bool tensor (torch.logical_and). */
export const logicalAnd = (a: TensorLike, b: TensorLike) => binary('logicalAnd', a, b, toBool);
/** Either a or b nonzero, elementwise with broadcasting, as a bool tensor (torch.logical_or). */
export const logicalOr = (a: TensorLike, b: TensorLike) => binary('logicalOr', a, b, toBool);
/**
 * Exactly one of a and b nonzero, elementwise with broadcasting, as a bool tensor
 * (torch.logical_xor).
 */
export const logicalXor = (a: TensorLike, b: TensorLike) => binary('logicalXor', a, b, toBool);

/**
 * `condition ? a : b` elementwise, broadcasting all three (torch.where); the result has the
 * promoted dtype of a and b. The condition must be bool (or uint8).
 */
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

/**
 * Each element limited to [min, max] (torch.clamp; `clip` is the same function). Either bound may
 * be left out (undefined or null), not both, and may be a tensor that broadcasts; where min > max
 * the result is max, as in PyTorch; the dtype is promoted over x and the bounds. Recorded as one op
 * so the gradient passes where min <= x <= max.
 */
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

/** The tolerances of isclose and allclose. */
export interface CloseOptions {
  /** Relative tolerance, times |b| (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Whether NaN is close to NaN (default false). */
  equalNan?: boolean;
}
/**
 * |a - b| <= atol + rtol * |b| elementwise, as a bool tensor (torch.isclose; rtol 1e-5 and atol
 * 1e-8 by default). Equal infinities are close; NaNs only with `equalNan`.
 */
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

/** Whether isclose holds for every element (torch.allclose), as a JS boolean. */
export function allclose(a: Tensor, b: TensorLike, opts: CloseOptions = {}): boolean {
  return isclose(a, b, opts).all().item() !== 0;
}
/** Whether a and b have the same shape and equal elements (torch.equal), as a JS boolean. */
export function equal(a: Tensor, b: Tensor): boolean {
  return sameShape(a.shape, b.shape) && eq(a, b).all().item() !== 0;
}

/** The replacements nanToNum writes; each defaults as in torch.nan_to_num. */
export interface NanToNumOptions {
  /** For NaN (default 0). */
  nan?: number;
  /** For +inf (default the dtype's largest finite value). */
  posinf?: number;
  /** For -inf (default the dtype's lowest finite value). */
  neginf?: number;
}
/**
 * x with NaN, +inf and -inf replaced by `nan` (default 0), `posinf` and `neginf` (default the
 * dtype's largest and lowest finite values), as torch.nan_to_num; a non-float x comes back as a
 * copy.
 */
export function nanToNum(x: Tensor, opts: NanToNumOptions = {}): Tensor {
  refuseComplex('nanToNum', x.dtype);
  if (!isFloating(x.dtype)) return x.clone();
  const big = x.dtype === 'float32' ? 3.4028234663852886e38 : Number.MAX_VALUE;
  let out = where(isnan(x), opts.nan ?? 0, x);
  out = where(eq(x, Infinity), opts.posinf ?? big, out);
  return where(eq(x, -Infinity), opts.neginf ?? -big, out);
}

/** Whether a value of dtype `from` may be written into `to` in place (torch.can_cast). */
function canCast(from: DType, to: DType): boolean {
  if (isComplex(from)) return isComplex(to);
  if (isFloating(from)) return isDifferentiableType(to);
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
