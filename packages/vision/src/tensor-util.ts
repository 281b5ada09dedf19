import {
  allocArray,
  type DType,
  DTypeError,
  fmtShape,
  fromTypedArray,
  ShapeError,
  Tensor,
  type TypedArray,
} from '@tensile/tensor';

// The tensor package's, for the vision modules that take their helpers from here.
export { fmtShape };

/**
 * A tensor on `device` holding a copy of `data`, which must be dtype's storage array type (one
 * memcpy; tracked by the enclosing scope, as every tensor op's result).
 */
export function fromTyped(
  data: TypedArray,
  dtype: DType,
  shape: readonly number[],
  device = 'cpu',
): Tensor {
  return fromTypedArray(data, shape, { dtype, device });
}

/**
 * A 1-d tensor of host-computed indices or weights on `device`. A typed-array copy converts
 * them: `tensor` checks and casts element by element, which cost as much as the resampling.
 */
export function upload(data: ArrayLike<number>, dtype: DType, device: string): Tensor {
  const out = allocArray(dtype, data.length);
  out.set(data);
  return fromTyped(out, dtype, [data.length], device);
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

/** Round half to even, as torch.round (std::nearbyint). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
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
