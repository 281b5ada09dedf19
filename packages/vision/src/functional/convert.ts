import {
  type DType,
  DTypeError,
  isFloating,
  type Tensor,
  tensor,
  ValueError,
} from '@tensile/tensor';
import { imageDims, maxValue } from '../tensor-util';
import { rounderFor } from './grid';

/**
 * torchvision's convert_image_dtype: rescales values between dtypes' ranges
 * (uint8 [0, 255] <-> float [0, 1]); float to int multiplies by max + 1 - 1e-3 and truncates.
 */
export function convertImageDtype(image: Tensor, dtype: DType = 'float32'): Tensor {
  if (image.dtype === dtype) return image;
  if (isFloating(image.dtype)) {
    if (isFloating(dtype)) return image.to(dtype);
    if (
      (image.dtype === 'float32' && (dtype === 'int32' || dtype === 'int64')) ||
      (image.dtype === 'float64' && dtype === 'int64')
    ) {
      throw new DTypeError(
        `convertImageDtype: the cast from ${image.dtype} to ${dtype} cannot be performed safely.`,
      );
    }
    return image.mul(maxValue(dtype) + 1 - 1e-3).to(dtype);
  }
  const inMax = maxValue(image.dtype);
  if (isFloating(dtype)) return image.to(dtype).div(inMax);
  const outMax = maxValue(dtype);
  if (inMax > outMax) {
    const factor = Math.floor((inMax + 1) / (outMax + 1));
    return image.div(factor, { roundingMode: 'floor' }).to(dtype);
  }
  return image.to(dtype).mul(Math.floor((outMax + 1) / (inMax + 1)));
}

function channelValues(name: string, v: readonly number[] | number, c: number): number[] {
  const list = typeof v === 'number' ? [v] : [...v];
  if (list.length !== 1 && list.length !== c) {
    throw new ValueError(
      `normalize: ${name} has ${list.length} values, expected 1 or ${c} (the number of channels)`,
    );
  }
  return list.length === 1 ? new Array(c).fill(list[0]) : list;
}

/**
 * torchvision's F.normalize: (x - mean) / std per channel of a float [..., C, H, W] tensor,
 * in the tensor's precision (each op rounded, as PyTorch's sub_ then div_). `inplace` writes
 * the result into x.
 */
export function normalize(
  x: Tensor,
  mean: readonly number[] | number,
  std: readonly number[] | number,
  opts: { inplace?: boolean } = {},
): Tensor {
  if (!isFloating(x.dtype))
    throw new DTypeError(`normalize: input tensor should be a float tensor. Got ${x.dtype}.`);
  if (x.ndim < 3) {
    throw new ValueError(
      `normalize: expected tensor to be a tensor image of size (..., C, H, W). Got shape [${x.shape.join(', ')}]`,
    );
  }
  const { c } = imageDims(x, 'normalize');
  const fr = rounderFor(x.dtype);
  const m = channelValues('mean', mean, c).map(fr);
  const s = channelValues('std', std, c).map(fr);
  if (s.includes(0))
    throw new ValueError(
      `normalize: std evaluated to zero after conversion to ${x.dtype}, leading to division by zero.`,
    );
  // Tensor ops, as torchvision's sub_ and div_: the device and the gradient stay with x.
  const perChannel = (v: number[]) =>
    tensor(v, { dtype: x.dtype, device: x.device }).reshape([c, 1, 1]);
  const out = x.sub(perChannel(m)).div(perChannel(s));
  return opts.inplace ? x.copy_(out) : out;
}

/** torchvision's F.erase: sets the box (i, j, h, w) to `v` (broadcast to [..., C, h, w]). */
export function erase(
  img: Tensor,
  i: number,
  j: number,
  h: number,
  w: number,
  v: Tensor | number,
  opts: { inplace?: boolean } = {},
): Tensor {
  const out = opts.inplace ? img : img.clone();
  const region = out.slice(-2, i, i + h).slice(-1, j, j + w);
  if (typeof v === 'number') region.fill_(v);
  else region.copy_(v.to(img.dtype).expand(region.shape));
  return out;
}
