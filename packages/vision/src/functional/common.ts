import {
  type DType,
  DTypeError,
  isFloating,
  isTensor,
  type Tensor,
  ValueError,
} from '@tensile/tensor';
import { type Image, isImage, onImage } from '../image';
import { describe } from '../tensor-util';

/** What the functional API and the transforms take: a tensor [..., C, H, W] or an Image. */
export type Img = Tensor | Image;

/** Applies a tensor function to a tensor, or to an Image through its uint8 [C, H, W] tensor. */
export function map<T extends Img>(img: T, op: string, fn: (t: Tensor) => Tensor): T {
  if (isImage(img)) return onImage(img, fn) as T;
  if (!isTensor(img))
    throw new DTypeError(`${op}: img should be a Tensor or an Image. Got ${describe(img)}`);
  return fn(img) as T;
}

export type InterpolationMode = 'nearest' | 'bilinear' | 'bicubic';

export function checkInterpolation(
  op: string,
  mode: string,
  allowed: readonly InterpolationMode[],
): void {
  if (!allowed.includes(mode as InterpolationMode)) {
    throw new ValueError(
      `${op}: interpolation mode '${mode}' is unsupported; expected ${allowed.join(', ')}`,
    );
  }
}

/** [C, H, W] of an image, as torchvision's get_dimensions. */
export function getDimensions(img: Img): [number, number, number] {
  if (isImage(img)) return [img.channels, img.height, img.width];
  const s = img.shape;
  if (s.length < 2)
    throw new ValueError(`getDimensions: tensor is not a torch image: shape [${s.join(', ')}]`);
  return [s.length === 2 ? 1 : s[s.length - 3], s[s.length - 2], s[s.length - 1]];
}

/**
 * torchvision's _cast_squeeze_in: float32 and float64 images stay, every other dtype is computed
 * in float32.
 */
export function toFloat(img: Tensor): Tensor {
  return isFloating(img.dtype) ? img : img.to('float32');
}

/**
 * torchvision's _cast_squeeze_out: a float result back to the image's dtype. Integer images are
 * rounded (half to even) first; uint8 saturates, where PyTorch leaves out-of-range casts undefined.
 */
export function fromFloat(out: Tensor, dtype: DType): Tensor {
  if (out.dtype === dtype) return out;
  if (isFloating(dtype)) return out.to(dtype);
  const rounded = out.round();
  return (dtype === 'uint8' ? rounded.clamp(0, 255) : rounded).to(dtype);
}

/**
 * Runs `fn` (nn's pad, interpolate or conv2d) on the planes of `img` [..., H, W] as a batch of
 * one-channel images [N, 1, H, W], and gives the result the image's leading dims back.
 */
export function perPlane(img: Tensor, fn: (planes: Tensor) => Tensor): Tensor {
  const [h, w] = img.shape.slice(-2);
  const out = fn(img.reshape([-1, 1, h, w]));
  return out.reshape([...img.shape.slice(0, -2), ...out.shape.slice(-2)]);
}
