import { type Tensor, ValueError } from '@tensile/tensor';
import {
  allocFloat,
  castOut,
  type FloatArray,
  floatData,
  imageDims,
  workDtype,
} from '../tensor-util';
import { checkInterpolation, getDimensions, type Img, type InterpolationMode, map } from './common';
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

/**
 * One output position's source taps along an axis: `idx[k * taps + j]` (clamped) with
 * weight `wt[k * taps + j]`. Separable, so 2-d resizing is two 1-d passes.
 */
interface Taps {
  taps: number;
  idx: Int32Array;
  wt: Float64Array;
}

function nearestTaps(inSize: number, outSize: number): Taps {
  const idx = new Int32Array(outSize);
  // ATen's nearest_idx: float32 scale, floor of a float32 product.
  const scale = Math.fround(inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    if (outSize === inSize) idx[o] = o;
    else if (outSize === 2 * inSize) idx[o] = o >> 1;
    else idx[o] = Math.min(Math.floor(Math.fround(o * scale)), inSize - 1);
  }
  return { taps: 1, idx, wt: new Float64Array(outSize).fill(1) };
}

function linearTaps(inSize: number, outSize: number, fr: Round): Taps {
  const idx = new Int32Array(outSize * 2);
  const wt = new Float64Array(outSize * 2);
  const scale = fr(inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    if (inSize === outSize) {
      idx[2 * o] = idx[2 * o + 1] = o;
      wt[2 * o] = 1;
      continue;
    }
    const src = Math.max(fr(fr(scale * (o + 0.5)) - 0.5), 0);
    const i0 = Math.trunc(src);
    const l1 = Math.min(Math.max(fr(src - i0), 0), 1);
    idx[2 * o] = i0;
    idx[2 * o + 1] = i0 + (i0 < inSize - 1 ? 1 : 0);
    wt[2 * o] = fr(1 - l1);
    wt[2 * o + 1] = l1;
  }
  return { taps: 2, idx, wt };
}

const CUBIC_A = -0.75;

function cubic1(x: number, a: number): number {
  return ((a + 2) * x - (a + 3)) * x * x + 1;
}

function cubic2(x: number, a: number): number {
  return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
}

function cubicTaps(inSize: number, outSize: number, fr: Round): Taps {
  const idx = new Int32Array(outSize * 4);
  const wt = new Float64Array(outSize * 4);
  const scale = fr(inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    // No clamping of the source position for cubic (area_pixel_compute_source_index, cubic=true).
    const src = inSize === outSize ? o : fr(fr(scale * (o + 0.5)) - 0.5);
    const i0 = Math.floor(src);
    const t = fr(src - i0);
    const w = [
      cubic2(t + 1, CUBIC_A),
      cubic1(t, CUBIC_A),
      cubic1(1 - t, CUBIC_A),
      cubic2(2 - t, CUBIC_A),
    ];
    for (let j = 0; j < 4; j++) {
      idx[4 * o + j] = Math.min(Math.max(i0 - 1 + j, 0), inSize - 1);
      wt[4 * o + j] = fr(w[j]);
    }
  }
  return { taps: 4, idx, wt };
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
): Taps {
  const interp = mode === 'bilinear' ? 2 : 4;
  const filter = mode === 'bilinear' ? aaBilinear : aaBicubic;
  const scale = inSize / outSize;
  const support = scale >= 1 ? interp * 0.5 * scale : interp * 0.5;
  const taps = Math.ceil(support) * 2 + 1;
  const invscale = scale >= 1 ? 1 / scale : 1;
  const idx = new Int32Array(outSize * taps);
  const wt = new Float64Array(outSize * taps);
  for (let o = 0; o < outSize; o++) {
    const center = scale * (o + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let j = 0; j < xsize; j++) {
      const w = fr(filter((j + xmin - center + 0.5) * invscale));
      wt[o * taps + j] = w;
      total = fr(total + w);
    }
    for (let j = 0; j < taps; j++) {
      idx[o * taps + j] = Math.min(xmin + j, inSize - 1);
      if (j < xsize && total !== 0) wt[o * taps + j] = fr(wt[o * taps + j] / total);
    }
  }
  return { taps, idx, wt };
}

function tapsFor(
  mode: InterpolationMode,
  antialias: boolean,
  inSize: number,
  outSize: number,
  fr: Round,
): Taps {
  if (mode === 'nearest') return nearestTaps(inSize, outSize);
  if (antialias) return antialiasTaps(inSize, outSize, mode, fr);
  return mode === 'bilinear' ? linearTaps(inSize, outSize, fr) : cubicTaps(inSize, outSize, fr);
}

/** Resamples along the last axis (rows of length inW) of `planes` rows. */
function resampleRows(
  src: FloatArray,
  rows: number,
  inW: number,
  t: Taps,
  outW: number,
  out: FloatArray,
  fr: Round,
): void {
  const { taps, idx, wt } = t;
  for (let r = 0; r < rows; r++) {
    const s = r * inW;
    const d = r * outW;
    for (let o = 0; o < outW; o++) {
      let acc = 0;
      for (let j = 0; j < taps; j++)
        acc = fr(acc + fr(wt[o * taps + j] * src[s + idx[o * taps + j]]));
      out[d + o] = acc;
    }
  }
}

/** Resamples along the height axis of `planes` planes of inH x w. */
function resampleCols(
  src: FloatArray,
  planes: number,
  inH: number,
  w: number,
  t: Taps,
  outH: number,
  out: FloatArray,
  fr: Round,
): void {
  const { taps, idx, wt } = t;
  for (let p = 0; p < planes; p++) {
    const s = p * inH * w;
    const d = p * outH * w;
    for (let o = 0; o < outH; o++) {
      for (let x = 0; x < w; x++) {
        let acc = 0;
        for (let j = 0; j < taps; j++)
          acc = fr(acc + fr(wt[o * taps + j] * src[s + idx[o * taps + j] * w + x]));
        out[d + o * w + x] = acc;
      }
    }
  }
}

/** interpolate(img, size, mode, align_corners=False, antialias) on [..., H, W]. */
export function interpolate(
  img: Tensor,
  [oh, ow]: [number, number],
  mode: InterpolationMode,
  antialias: boolean,
): Tensor {
  const { lead, c, h, w } = imageDims(img, 'resize');
  const planes = lead.reduce((a, b) => a * b, 1) * c;
  const dtype = workDtype(img.dtype);
  const fr = rounderFor(dtype);
  let data = floatData(img);
  // Width first, then height, as ATen's separable kernel; an unchanged axis is skipped.
  if (ow !== w) {
    const out = allocFloat(dtype, planes * h * ow);
    resampleRows(data, planes * h, w, tapsFor(mode, antialias, w, ow, fr), ow, out, fr);
    data = out;
  }
  if (oh !== h) {
    const out = allocFloat(dtype, planes * oh * ow);
    resampleCols(data, planes, h, ow, tapsFor(mode, antialias, h, oh, fr), oh, out, fr);
    data = out;
  }
  // Bicubic overshoots [0, 255]; castOut saturates uint8 as torchvision's clamp does.
  return castOut(data, img.dtype, [...img.shape.slice(0, -2), oh, ow]);
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
  return map(img, 'resize', (t) => interpolate(t, [oh, ow], mode, antialias));
}
