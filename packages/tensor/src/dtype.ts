import { DTypeError, ValueError } from './errors';

/**
 * The element types. `int64` is stored in a Float64Array: integers are exact up to 2^53,
 * which covers every label and index a JS program can address.
 * `bool` is stored as 0/1 in a Uint8Array. `complex64` and `complex128` are stored as
 * interleaved (real, imaginary) pairs in a Float32Array / Float64Array, PyTorch's layout.
 */
export type DType =
  | 'float32'
  | 'float64'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'bool'
  | 'complex64'
  | 'complex128';

/** The complex dtypes. */
export type ComplexDType = 'complex64' | 'complex128';
/** The dtypes that are not complex. */
export type RealDType = Exclude<DType, ComplexDType>;

/**
 * Every dtype, in promotion order (bool < uint8 < int32 < int64 < float32 < float64 <
 * complex64 < complex128).
 */
export const DTYPES: readonly DType[] = [
  'bool',
  'uint8',
  'int32',
  'int64',
  'float32',
  'float64',
  'complex64',
  'complex128',
];

/**
 * The typed arrays tensors are read into and made from (see ArrayFor for which dtype uses which).
 */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** What a dtype is stored in on the CPU (and what `read` returns on every backend). */
export type ArrayFor<D extends DType> = D extends 'float32' | 'complex64'
  ? Float32Array
  : D extends 'float64' | 'int64' | 'complex128'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : Uint8Array;

type ArrayCtor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int32ArrayConstructor
  | Uint8ArrayConstructor;

const CTORS: Record<DType, ArrayCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: Float64Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  complex64: Float32Array,
  complex128: Float64Array,
};

export function arrayCtor(dtype: DType): ArrayCtor {
  const ctor = Object.hasOwn(CTORS, dtype) ? CTORS[dtype] : undefined;
  if (!ctor)
    throw new DTypeError(
      `unknown dtype '${String(dtype)}'; expected one of ${Object.keys(CTORS).join(', ')}`,
    );
  return ctor;
}

/**
 * A zeroed typed array for `size` elements of `dtype` (int64 in a Float64Array, bool in a
 * Uint8Array, a complex element as two numbers).
 */
export function allocArray(dtype: DType, size: number): TypedArray {
  return new (arrayCtor(dtype))(size * numbersPer(dtype));
}

/** Whether `dtype` is complex64 or complex128 (torch.is_complex). */
export function isComplex(dtype: DType): dtype is ComplexDType {
  return dtype === 'complex64' || dtype === 'complex128';
}

/** How many numbers of its array one element of `dtype` takes: 2 for complex, else 1. */
export function numbersPer(dtype: DType): 1 | 2 {
  return isComplex(dtype) ? 2 : 1;
}

/**
 * The real dtype of a complex one's parts (complex64 -> float32), other dtypes unchanged
 * (torch's toRealValueType).
 */
export function realPartDtype(dtype: DType): DType {
  return dtype === 'complex64' ? 'float32' : dtype === 'complex128' ? 'float64' : dtype;
}

/** The complex dtype with parts of `dtype` (float64 -> complex128; others -> complex64). */
export function complexDtypeOf(dtype: DType): ComplexDType {
  return dtype === 'float64' || dtype === 'complex128' ? 'complex128' : 'complex64';
}

/** Whether `dtype` is float32 or float64 (torch.is_floating_point). */
export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/**
 * Whether `dtype` is floating or complex (c10's isDifferentiableType): the dtypes that can
 * require grad and get gradients, and that true division and float functions keep.
 */
export function isDifferentiableType(dtype: DType): boolean {
  return isFloating(dtype) || isComplex(dtype);
}

/** Whether `dtype` is an integer type (uint8, int32, int64), or bool too with `includeBool`. */
export function isIntegral(dtype: DType, includeBool = false): boolean {
  return (
    dtype === 'int32' || dtype === 'int64' || dtype === 'uint8' || (includeBool && dtype === 'bool')
  );
}

/** Bytes an element takes in PyTorch's layout (used for sizes in summaries and safetensors). */
export function itemSize(dtype: DType): number {
  const sizes = { float32: 4, float64: 8, int32: 4, int64: 8, uint8: 1, bool: 1 } as const;
  return isComplex(dtype) ? 2 * sizes[realPartDtype(dtype) as keyof typeof sizes] : sizes[dtype];
}

const RANK: Record<DType, number> = {
  bool: 0,
  uint8: 1,
  int32: 2,
  int64: 3,
  float32: 4,
  float64: 5,
  complex64: 6,
  complex128: 7,
};

/**
 * torch.promote_types for the dtypes Tensile has. A complex dtype's parts promote with the
 * other side, so float64 and complex64 give complex128.
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (isComplex(a) || isComplex(b))
    return complexDtypeOf(promoteTypes(realPartDtype(a), realPartDtype(b)));
  return RANK[a] >= RANK[b] ? a : b;
}

type Category = 0 | 1 | 2 | 3; // bool, integer, floating, complex

function category(dtype: DType): Category {
  return dtype === 'bool' ? 0 : isComplex(dtype) ? 3 : isFloating(dtype) ? 2 : 1;
}

/**
 * c10's combine_categories: a lower-priority operand of a higher category decides the
 * category; a float result of higher priority keeps its precision in complex (a float32
 * tensor with a 0-d complex128 gives complex64).
 */
function combineCategories(higher: DType, lower: DType): DType {
  if (category(lower) <= category(higher)) return higher;
  if (isComplex(lower) && isFloating(higher)) return complexDtypeOf(higher);
  return higher === 'bool' || isFloating(lower) ? promoteTypes(higher, lower) : lower;
}

/** An operand of an op for type promotion: a tensor's dtype (with its dim) or a JS scalar. */
export type PromotionOperand = { dtype: DType; dim: number } | number | boolean;

/**
 * torch.result_type: dimensioned tensors win over 0-d tensors, which win over Python scalars,
 * unless a lower-priority operand is of a higher category (bool < integer < floating).
 */
export function resultType(
  operands: readonly PromotionOperand[],
  defaultFloat: DType = 'float32',
): DType {
  let dimRes: DType | undefined;
  let zeroRes: DType | undefined;
  let scalarRes: DType | undefined;
  for (const op of operands) {
    if (typeof op === 'object') {
      if (op.dim > 0) dimRes = dimRes ? promoteTypes(dimRes, op.dtype) : op.dtype;
      else zeroRes = zeroRes ? promoteTypes(zeroRes, op.dtype) : op.dtype;
    } else {
      const dt: DType =
        typeof op === 'boolean' ? 'bool' : Number.isInteger(op) ? 'int64' : defaultFloat;
      scalarRes = scalarRes ? promoteTypes(scalarRes, dt) : dt;
    }
  }
  let res = dimRes;
  for (const next of [zeroRes, scalarRes]) {
    if (next === undefined) continue;
    res = res === undefined ? next : combineCategories(res, next);
  }
  if (res === undefined) throw new DTypeError('resultType: no operands');
  return res;
}

/**
 * PyTorch's check on a number stored into an integer dtype (c10's checked_convert): NaN, an
 * infinity or a value past the type's range is an error ("value cannot be converted to type
 * int64 without overflow"), where a NaN had slipped into int64 storage and past every bounds
 * check after it. Whole negative numbers down to -255 wrap into uint8, as torch's do.
 */
function checkIntScalar(value: number, dtype: 'int64' | 'int32' | 'uint8'): void {
  const [lo, hi] =
    dtype === 'int64'
      ? [-(2 ** 63), 2 ** 63 - 1]
      : dtype === 'int32'
        ? [-(2 ** 31), 2 ** 31 - 1]
        : [Number.isInteger(value) ? -255 : 0, 255];
  // In doubles 2^63 - 1 is 2^63, which is past int64's range: the upper test is strict there.
  const over = dtype === 'int64' ? !(value >= lo && value < hi) : !(value >= lo && value <= hi);
  if (over)
    throw new ValueError(
      `value cannot be converted to type ${dtype} without overflow (got ${value})`,
    );
}

/** Converts a JS number to what storing it in `dtype` gives (truncation for integers, 0/1 for bool). */
export function castScalar(value: number, dtype: DType): number {
  if (dtype === 'int64' || dtype === 'int32' || dtype === 'uint8') checkIntScalar(value, dtype);
  switch (dtype) {
    case 'bool':
      return value !== 0 ? 1 : 0;
    case 'int64':
      return Math.trunc(value);
    case 'int32':
      return value | 0;
    case 'uint8':
      return value & 255;
    case 'float32':
    case 'complex64':
      return Math.fround(value);
    default:
      return value;
  }
}

export function assertDType(
  op: string,
  dtype: DType,
  allowed: readonly DType[],
  what = 'input',
): void {
  if (!allowed.includes(dtype)) {
    throw new DTypeError(
      `${op}: expected ${what} of dtype ${allowed.join(' or ')}, but got ${dtype}`,
    );
  }
}
