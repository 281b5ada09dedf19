import { F } from '@tensile/nn';
import { type Tensor, ValueError } from '@tensile/tensor';
import {
  checkInterpolation,
  fromFloat,
  getDimensions,
  type Img,
  type InterpolationMode,
  map,
  perPlane,
  toFloat,
} from './common';
import { type Round, rounderFor } from './grid';

export interface ResizeOptions {
  interpolation?: InterpolationMode;
  /** Longest edge allowed when `size` is the shorter edge (an int or [int]). */
  maxSize?: number;
  /** PIL-like antialiasing when downsampling (bilinear and bicubic); off by default, as in 0.14. */
  antialias?: boolean;
}

/** torchvision's _compute_resized_output_size: [h, w]. */
export function resizedOutputSize(
  [h, w]: [number, number],
  size: number | readonly number[],
  maxSize?: number,
): [number, number] {
  const sizes = typeof size === 'number' ? [size] : size;
  if (sizes.length === 2) {
    if (maxSize !== undefined) {
      throw new ValueError(
        'resize: maxSize should only be passed if size specifies the length of the smaller edge, ' +
          'i.e. size should be an int or a sequence of length 1',
      );
    }
    return [sizes[0], sizes[1]];
  }
  if (sizes.length !== 1) {
    throw new ValueError(
      `resize: size must be an int or a 1 or 2 element list, not a ${sizes.length} element list`,
    );
  }
  const [short, long] = w <= h ? [w, h] : [h, w];
  const requested = sizes[0];
  let newShort = requested;
  let newLong = Math.trunc((requested * long) / short);
  if (maxSize !== undefined) {
    if (maxSize <= requested) {
      throw new ValueError(
        `resize: maxSize = ${maxSize} must be strictly greater than the requested size for the smaller edge size = ${requested}`,
      );
    }
    if (newLong > maxSize) {
      newShort = Math.trunc((maxSize * newShort) / newLong);
      newLong = maxSize;
    }
  }
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

function aaBilinear(x: number): number {
  const a = Math.abs(x);
  return a < 1 ? 1 - a : 0;
}

/** Keys' cubic with a = -0.5, the filter PIL and ATen's antialiased bicubic use. */
function aaBicubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** ATen's _compute_weights_aa: a filter stretched by the downscale factor, weights normalised. */
function antialiasTaps(
  inSize: number,
  outSize: number,
  mode: 'bilinear' | 'bicubic',
  fr: Round,
): F.ResampleTaps {
  const interp = mode === 'bilinear' ? 2 : 4;
  const filter = mode === 'bilinear' ? aaBilinear : aaBicubic;
  const scale = inSize / outSize;
  const support = scale >= 1 ? interp * 0.5 * scale : interp * 0.5;
  const taps = Math.ceil(support) * 2 + 1;
  const invscale = scale >= 1 ? 1 / scale : 1;
  const index = Array.from({ length: taps }, () => new Int32Array(outSize));
  const weight = Array.from({ length: taps }, () => new Float64Array(outSize));
  for (let o = 0; o < outSize; o++) {
    const center = scale * (o + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let j = 0; j < xsize; j++) {
      weight[j][o] = fr(filter((j + xmin - center + 0.5) * invscale));
      total = fr(total + weight[j][o]);
    }
    // F.ResampleTaps past xsize keep weight 0 and read the window's first pixel, so a NaN or infinity
    // outside the window (0 * NaN) cannot reach this output, as ATen sums only xsize taps.
    for (let j = 0; j < taps; j++) {
      index[j][o] = j < xsize ? xmin + j : xmin;
      if (j < xsize && total !== 0) weight[j][o] = fr(weight[j][o] / total);
    }
  }
  return { index, weight };
}

/**
 * The antialiased resampling nn's interpolate lacks: width first, then height, as ATen's
 * separable kernel.
 */
function antialiased(x: Tensor, [oh, ow]: [number, number], mode: 'bilinear' | 'bicubic'): Tensor {
  const [h, w] = x.shape.slice(-2);
  const fr = rounderFor(x.dtype);
  // An unchanged axis is skipped: its taps would be the identity.
  const across = ow === w ? x : F.resampleAlong(x, -1, antialiasTaps(w, ow, mode, fr));
  return oh === h ? across : F.resampleAlong(across, -2, antialiasTaps(h, oh, mode, fr));
}

/** torchvision's resize of a tensor [..., H, W]: nn's interpolate (align_corners=False) in float. */
function resample(
  img: Tensor,
  size: [number, number],
  mode: InterpolationMode,
  antialias: boolean,
): Tensor {
  const x = toFloat(img);
  const out =
    antialias && mode !== 'nearest'
      ? antialiased(x, size, mode)
      : perPlane(x, (planes) => F.interpolate(planes, { size, mode }));
  // Bicubic overshoots [0, 255]; fromFloat saturates uint8 as torchvision's clamp does.
  return fromFloat(out, img.dtype);
}

/**
 * torchvision's F.resize on tensors (and on Images through their uint8 tensor): `size` [h, w],
 * or an int (or [int]) for the shorter edge keeping the aspect ratio, capped by `maxSize`.
 */
export function resize<T extends Img>(
  img: T,
  size: number | readonly number[],
  opts: ResizeOptions = {},
): T {
  const mode = opts.interpolation ?? 'bilinear';
  checkInterpolation('resize', mode, ['nearest', 'bilinear', 'bicubic']);
  const antialias = opts.antialias ?? false;
  if (antialias && mode === 'nearest') {
    throw new ValueError(
      'resize: antialias option is supported for bilinear and bicubic interpolation modes only',
    );
  }
  const [, h, w] = getDimensions(img);
  const [oh, ow] = resizedOutputSize([h, w], size, opts.maxSize);
  if (oh === h && ow === w) return img;
  return map(img, 'resize', (t) => resample(t, [oh, ow], mode, antialias));
}
