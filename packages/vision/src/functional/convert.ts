import {
  type DType,
  DTypeError,
  isFloating,
  type Tensor,
  tensor,
  ValueError,
} from '@tensile/tensor';
import { imageDims, maxValue } from '../tensor-util';

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

/** torchvision's F.normalize: (x - mean) / std per channel of a float [..., C, H, W] tensor. */
export function normalize(
  x: Tensor,
  mean: readonly number[] | number,
  std: readonly number[] | number,
): Tensor {
  if (!isFloating(x.dtype))
    throw new DTypeError(`normalize: input tensor should be a float tensor. Got ${x.dtype}.`);
  if (x.ndim < 3) {
    throw new ValueError(
      `normalize: expected tensor to be a tensor image of size (..., C, H, W). Got shape [${x.shape.join(', ')}]`,
    );
  }
  const { c } = imageDims(x, 'normalize');
  const m = tensor(typeof mean === 'number' ? [mean] : [...mean], { dtype: x.dtype });
  const s = tensor(typeof std === 'number' ? [std] : [...std], { dtype: x.dtype });
  if (s.eq(0).any().item()) {
    throw new ValueError(
      `normalize: std evaluated to zero after conversion to ${x.dtype}, leading to division by zero.`,
    );
  }
  for (const [name, t] of [
    ['mean', m],
    ['std', s],
  ] as const) {
    if (t.shape[0] !== 1 && t.shape[0] !== c) {
      throw new ValueError(
        `normalize: ${name} has ${t.shape[0]} values, expected 1 or ${c} (the number of channels)`,
      );
    }
  }
  return x.sub(m.view([-1, 1, 1])).div(s.view([-1, 1, 1]));
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
