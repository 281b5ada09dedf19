import {
  type DType,
  DTypeError,
  getBackend,
  isFloating,
  ShapeError,
  Tensor,
  type TypedArray,
} from '@tensile/tensor';

/** A shape as PyTorch prints it in messages: [2, 3]. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export type FloatArray = Float32Array | Float64Array;

/** A CPU tensor over a copy-free wrap of `data`, which must be dtype's storage array type. */
export function fromTyped(data: TypedArray, dtype: DType, shape: readonly number[]): Tensor {
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; s *= shape[i], i--) strides[i] = s;
  return new Tensor(getBackend('cpu').fromArray(data, dtype), shape, strides);
}

/** [..., C, H, W] split into the leading dims, channels, height and width (C = 1 for 2-d). */
export interface ImageDims {
  lead: number[];
  c: number;
  h: number;
  w: number;
}

export function imageDims(img: Tensor, op: string): ImageDims {
  if (!(img instanceof Tensor)) {
    throw new DTypeError(`${op}: expected a Tensor image, got ${describe(img)}`);
  }
  const s = img.shape;
  if (s.length < 2) {
    throw new ShapeError(
      `${op}: tensor is not a torch image: expected [..., H, W], got ${fmtShape(s)}`,
    );
  }
  const h = s[s.length - 2];
  const w = s[s.length - 1];
  if (s.length === 2) return { lead: [], c: 1, h, w };
  return { lead: s.slice(0, -3), c: s[s.length - 3], h, w };
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return (x as object).constructor?.name ?? 'object';
}

/**
 * The image's elements as float (row-major), as torchvision's `_cast_squeeze_in`: float32 and
 * float64 stay, every other dtype is computed in float32.
 */
export function floatData(img: Tensor): FloatArray {
  const data = img.contiguous().dataSync();
  if (data instanceof Float32Array) return data;
  if (img.dtype === 'float64') return data as Float64Array;
  return Float32Array.from(data);
}

export function workDtype(dtype: DType): 'float32' | 'float64' {
  return dtype === 'float64' ? 'float64' : 'float32';
}

export function allocFloat(dtype: DType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** A zeroed storage array for dtype (int64 in Float64Array, bool in Uint8Array), as the core stores it. */
export function allocArray(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
    default:
      return new Float64Array(n);
  }
}

/** Round half to even, as torch.round (std::nearbyint). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255],
  int32: [-2147483648, 2147483647],
};

/**
 * Float results back to the input's dtype, as `_cast_squeeze_out`: integer images are rounded
 * (half to even) first. Out-of-range values saturate (PyTorch leaves that undefined).
 */
export function castOut(data: FloatArray, dtype: DType, shape: readonly number[]): Tensor {
  if (isFloating(dtype)) {
    const out = dtype === 'float64' ? Float64Array.from(data) : Float32Array.from(data);
    return fromTyped(out, dtype, shape);
  }
  const out = allocArray(dtype, data.length);
  const range = INT_RANGE[dtype];
  for (let i = 0; i < data.length; i++) {
    let v = roundHalfEven(data[i]);
    if (range) v = Math.min(Math.max(v, range[0]), range[1]);
    out[i] = dtype === 'bool' ? (v !== 0 ? 1 : 0) : v;
  }
  return fromTyped(out, dtype, shape);
}

/** The largest value of an integer image dtype (1 for floats), as torchvision's `_max_value`. */
export function maxValue(dtype: DType): number {
  switch (dtype) {
    case 'uint8':
      return 255;
    case 'int32':
      return 2147483647;
    case 'int64':
      return 2 ** 63; // 2^63 - 1 is not a double; PyTorch's float(max) rounds to 2^63 too
    default:
      return 1;
  }
}
