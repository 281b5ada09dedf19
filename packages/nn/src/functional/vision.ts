/**
 * Padding, resampling and pixel shuffling (torch.nn.functional.pad, interpolate, pixel_shuffle).
 * Everything is a gather along one dim at a time (indexSelect) plus elementwise weights, so the
 * gradients come from the tensor ops' own formulas.
 */
import {
  cat,
  fmtShape,
  fromTypedArray,
  full,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@tensile/tensor';

/**
 * How pad fills: 'constant' with `value`, 'reflect' mirrors without repeating the edge, 'replicate'
 * repeats the edge, 'circular' wraps around (torch's `mode`).
 */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of pad (torch's mode and value). */
export interface PadOptions {
  /**
   * Default 'constant'. The other modes pad only the last 1 to 3 dims of a batched or unbatched
   * input, as in PyTorch.
   */
  mode?: PadMode;
  /** The fill value of 'constant' padding (default 0). */
  value?: number;
}

/** Host-computed positions as an index on the device of the tensor they index. */
const indexTensor = (idx: number[], device: string): Tensor =>
  tensor(idx, { dtype: 'int64', device });

/** Source position of each output position of one padded dim (before/after may be negative). */
function padIndex(mode: PadMode, size: number, before: number, after: number): number[] {
  return Array.from({ length: size + before + after }, (_, j) => {
    const s = j - before;
    if (mode === 'reflect') return s < 0 ? -s : s >= size ? 2 * (size - 1) - s : s;
    if (mode === 'replicate') return Math.min(Math.max(s, 0), size - 1);
    return ((s % size) + size) % size;
  });
}

function padConstantDim(x: Tensor, dim: number, before: number, after: number, value: number) {
  const size = x.shape[dim];
  const cropped = x.narrow(
    dim,
    Math.max(0, -before),
    size + Math.min(0, before) + Math.min(0, after),
  );
  const block = (n: number) => {
    const shape = [...x.shape];
    shape[dim] = n;
    return full(shape, value, { dtype: x.dtype, device: x.device });
  };
  const parts = [
    ...(before > 0 ? [block(before)] : []),
    cropped,
    ...(after > 0 ? [block(after)] : []),
  ];
  return parts.length === 1 ? cropped : cat(parts, dim);
}

function checkPadding(input: Tensor, pad: readonly number[], mode: PadMode, value: number): void {
  if (pad.length % 2 !== 0) throw new ValueError('pad: Padding length must be divisible by 2');
  if (pad.length / 2 > input.ndim) throw new ValueError('pad: Padding length too large');
  if (!['constant', 'reflect', 'replicate', 'circular'].includes(mode))
    throw new ValueError(`pad: Unrecognised padding mode ${mode}`);
  if (mode === 'constant') return;
  if (value !== 0)
    throw new ValueError(`pad: Padding mode "${mode}" doesn't take in value argument`);
  const dims = pad.length / 2;
  if (!(dims >= 1 && dims <= 3 && (input.ndim === dims + 1 || input.ndim === dims + 2)))
    throw new ValueError(
      'pad: Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now',
    );
}

function checkPaddedSize(input: Tensor, dim: number, before: number, after: number, mode: PadMode) {
  const size = input.shape[dim];
  if (mode === 'reflect' && (before >= size || after >= size))
    throw new ValueError(
      `pad: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${dim} of input ${fmtShape(input.shape)}`,
    );
  if (mode === 'circular' && (before > size || after > size))
    throw new ValueError('pad: Padding value causes wrapping around more than once.');
  const out = size + before + after;
  if (out < 0 || (out === 0 && mode !== 'constant' && mode !== 'circular'))
    throw new ValueError(
      `pad: The input size ${size}, plus padding ${before} and ${after} resulted in an invalid output size ${out}, at dimension ${dim} of input ${fmtShape(input.shape)}`,
    );
}

/**
 * Pads (or, with negative amounts, crops) the last pad.length/2 dims of `input`
 * (torch.nn.functional.pad). `pad` lists dims last-first: (left, right, top, bottom, ...).
 * 'reflect' mirrors without repeating the edge, 'replicate' repeats it, 'circular' wraps around.
 */
export function pad(input: Tensor, pad: readonly number[], opts: PadOptions = {}): Tensor {
  const { mode = 'constant', value = 0 } = opts;
  checkPadding(input, pad, mode, value);
  let out = input;
  for (let i = 0; i < pad.length / 2; i++) {
    const dim = input.ndim - 1 - i;
    const [before, after] = [pad[2 * i], pad[2 * i + 1]];
    if (before === 0 && after === 0) continue;
    checkPaddedSize(input, dim, before, after, mode);
    if (mode === 'constant') {
      out = padConstantDim(out, dim, before, after, value);
      continue;
    }
    // Circular padding wraps the cropped dim, so negative amounts crop first.
    if (mode === 'circular')
      out = padConstantDim(out, dim, Math.min(0, before), Math.min(0, after), 0);
    const [b, a] =
      mode === 'circular' ? [Math.max(0, before), Math.max(0, after)] : [before, after];
    out = out.indexSelect(dim, indexTensor(padIndex(mode, out.shape[dim], b, a), out.device));
  }
  return out;
}

/**
 * interpolate's resampling: 'nearest' (PyTorch's legacy rounding, which shifts the image),
 * 'nearest-exact' (rounds pixel centers, like PIL), 'linear' (3-D input), 'bilinear' and 'bicubic'
 * (4-D), 'trilinear' (5-D), 'area' (adaptive average pooling).
 */
export type InterpolateMode =
  | 'nearest'
  | 'nearest-exact'
  | 'linear'
  | 'bilinear'
  | 'bicubic'
  | 'trilinear'
  | 'area';

/**
 * Options of interpolate and Upsample (torch's size, scale_factor, mode, align_corners,
 * recompute_scale_factor).
 */
export interface InterpolateOptions {
  /**
   * Output spatial size: one number for every spatial dim, or one per dim. Give this or
   * `scaleFactor`, not both.
   */
  size?: number | readonly number[];
  /**
   * Multiplier of each spatial size, one for every dim or one per dim; the output size is
   * floor(size * factor). Give this or `size`, not both.
   */
  scaleFactor?: number | readonly number[];
  /** Default 'nearest', as in PyTorch. */
  mode?: InterpolateMode;
  /**
   * For the interpolating modes: map the corner pixels' centers onto each other (default false,
   * as PyTorch since 0.4); setting it with another mode throws.
   */
  alignCorners?: boolean;
  /** Compute the output size from scaleFactor and then forget the factor (always on for 'area'). */
  recomputeScaleFactor?: boolean;
}

/** Input positions and their weights for each output position of one dim. */
interface Taps {
  index: number[][];
  weight: number[][] | null;
}

const f32 = Math.fround;

/** 1/scale when a factor was given, else in/out, both as float32 like PyTorch's nearest kernels. */
function nearestScale(inSize: number, outSize: number, scale: number | undefined): number {
  return scale !== undefined && scale > 0 ? f32(1 / scale) : f32(inSize / outSize);
}

function nearestTaps(inSize: number, outSize: number, scale: number | undefined, exact: boolean) {
  const s = nearestScale(inSize, outSize, scale);
  const src = (i: number): number => {
    // PyTorch's legacy 'nearest' copies at scale 1 and halves at scale 2 whatever the factor.
    if (!exact && outSize === inSize) return i;
    if (!exact && outSize === 2 * inSize) return i >> 1;
    return Math.min(Math.floor(f32((exact ? i + 0.5 : f32(i)) * s)), inSize - 1);
  };
  return { index: [Array.from({ length: outSize }, (_, i) => src(i))], weight: null };
}

/** Source coordinate of output position i for the interpolating modes. */
function sourceCoord(
  inSize: number,
  outSize: number,
  scale: number | undefined,
  alignCorners: boolean,
) {
  const ratio = alignCorners
    ? outSize > 1
      ? (inSize - 1) / (outSize - 1)
      : 0
    : scale !== undefined && scale > 0
      ? 1 / scale
      : inSize / outSize;
  return (i: number) => (alignCorners ? ratio * i : ratio * (i + 0.5) - 0.5);
}

function linearTaps(inSize: number, outSize: number, scale: number | undefined, align: boolean) {
  const coord = sourceCoord(inSize, outSize, scale, align);
  const taps: Taps = { index: [[], []], weight: [[], []] };
  for (let i = 0; i < outSize; i++) {
    const src = Math.max(coord(i), 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const lambda = Math.min(src - i0, 1);
    taps.index[0].push(i0);
    taps.index[1].push(Math.min(i0 + 1, inSize - 1));
    taps.weight?.[0].push(1 - lambda);
    taps.weight?.[1].push(lambda);
  }
  return taps;
}

/** Keys' cubic convolution with PyTorch's A = -0.75; taps past the edge repeat the edge. */
function cubicTaps(inSize: number, outSize: number, scale: number | undefined, align: boolean) {
  const A = -0.75;
  const near = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
  const far = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  const coord = sourceCoord(inSize, outSize, scale, align);
  const taps: Taps = { index: [[], [], [], []], weight: [[], [], [], []] };
  for (let i = 0; i < outSize; i++) {
    const src = coord(i);
    const i0 = Math.floor(src);
    const t = src - i0;
    const w = [far(t + 1), near(t), near(1 - t), far(2 - t)];
    for (let k = 0; k < 4; k++) {
      taps.index[k].push(Math.min(Math.max(i0 - 1 + k, 0), inSize - 1));
      taps.weight?.[k].push(w[k]);
    }
  }
  return taps;
}

/** The mean of each adaptive-pooling window [floor(i*in/out), ceil((i+1)*in/out)). */
function areaTaps(inSize: number, outSize: number): Taps {
  const start = (i: number) => Math.floor((i * inSize) / outSize);
  const end = (i: number) => Math.ceil(((i + 1) * inSize) / outSize);
  let width = 0;
  for (let i = 0; i < outSize; i++) width = Math.max(width, end(i) - start(i));
  const taps: Taps = { index: [], weight: [] };
  for (let k = 0; k < width; k++) {
    taps.index.push([]);
    taps.weight?.push([]);
    for (let i = 0; i < outSize; i++) {
      const n = end(i) - start(i);
      taps.index[k].push(Math.min(start(i) + k, end(i) - 1));
      taps.weight?.[k].push(k < n ? 1 / n : 0);
    }
  }
  return taps;
}

/**
 * Where each output position along an axis reads its input: tap k of output i is input
 * `index[k][i]` with weight `weight[k][i]` (null: one tap, copied).
 */
export interface ResampleTaps {
  index: readonly ArrayLike<number>[];
  weight: readonly ArrayLike<number>[] | null;
}

/**
 * out[..., i, ...] = sum over taps k of weight[k][i] * x[..., index[k][i], ...] along `dim`,
 * summed tap by tap in x's dtype as ATen's resampling kernels do: interpolate's building block
 * (and vision's antialiased resize and grid sampling). The taps come from the geometry, on the
 * host; the gathers, products and sums are tensor ops, so the result keeps x's device and
 * gradient.
 */
export function resampleAlong(x: Tensor, dim: number, taps: ResampleTaps): Tensor {
  const d = dim < 0 ? dim + x.ndim : dim;
  const { device } = x;
  const terms = taps.index.map((idx, k) => {
    const index = fromTypedArray(Float64Array.from(idx), undefined, { dtype: 'int64', device });
    const term = x.indexSelect(d, index);
    const w = taps.weight?.[k];
    if (!w) return term;
    const shape = x.shape.map((_, e) => (e === d ? w.length : 1));
    return term.mul(tensor(Float64Array.from(w), { dtype: x.dtype, device }).reshape(shape));
  });
  return terms.reduce((acc, term) => acc.add(term));
}

const SPATIAL_DIMS: Partial<Record<InterpolateMode, number>> = {
  linear: 1,
  bilinear: 2,
  bicubic: 2,
  trilinear: 3,
};
const MODES = 'nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact';

function checkInterpolateMode(input: Tensor, mode: InterpolateMode, alignCorners?: boolean) {
  const interpolating = mode in SPATIAL_DIMS;
  if (!interpolating && alignCorners !== undefined)
    throw new ValueError(
      'interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear',
    );
  const needed = SPATIAL_DIMS[mode];
  const knownMode = interpolating || ['nearest', 'nearest-exact', 'area'].includes(mode);
  if (!knownMode || input.ndim < 3 || input.ndim > 5)
    throw new ValueError(
      `interpolate: Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.ndim}D) for the modes: ${MODES} (got ${mode})`,
    );
  if (needed !== undefined && input.ndim !== needed + 2)
    throw new ValueError(
      `interpolate: Got ${input.ndim}D input, but ${mode} mode needs ${needed + 2}D input`,
    );
}

const perDim = (v: number | readonly number[], n: number): number[] =>
  typeof v === 'number' ? Array(n).fill(v) : [...v];

/** Output sizes and (when they are still used) the scale factors, as PyTorch's interpolate. */
function outputSizes(input: Tensor, opts: InterpolateOptions): [number[], (number | undefined)[]] {
  const { size, scaleFactor, mode = 'nearest', recomputeScaleFactor } = opts;
  const n = input.ndim - 2;
  const spatial = input.shape.slice(2);
  if (size !== undefined && scaleFactor !== undefined)
    throw new ValueError('interpolate: only one of size or scale_factor should be defined');
  if (size !== undefined) {
    if (recomputeScaleFactor)
      throw new ValueError(
        'interpolate: recompute_scale_factor is not meaningful with an explicit size.',
      );
    const sizes = perDim(size, n);
    if (sizes.length !== n)
      throw new ValueError(
        `interpolate: Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmtShape(spatial)} and output size of ${fmtShape(sizes)}`,
      );
    return [sizes, sizes.map(() => undefined)];
  }
  if (scaleFactor === undefined)
    throw new ValueError('interpolate: either size or scale_factor should be defined');
  const scales = perDim(scaleFactor, n);
  if (scales.length !== n)
    throw new ValueError(
      `interpolate: Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmtShape(spatial)} and scale_factor of shape ${fmtShape(scales)}`,
    );
  const sizes = spatial.map((s, i) => Math.floor(s * scales[i]));
  const forget = recomputeScaleFactor || mode === 'area';
  return [sizes, forget ? sizes.map(() => undefined) : scales];
}

/**
 * Resizes the spatial dims (all after the first two) of `input` (torch.nn.functional.interpolate)
 * to `size`, or by `scaleFactor`: [N, C, *in] -> [N, C, *out], 3- to 5-D. Modes: 'nearest'
 * (PyTorch's legacy rounding), 'nearest-exact', 'linear' (3-D input), 'bilinear' and 'bicubic'
 * (4-D), 'trilinear' (5-D), 'area'. Bicubic can overshoot the input's range, as in PyTorch.
 */
export function interpolate(input: Tensor, opts: InterpolateOptions = {}): Tensor {
  const { mode = 'nearest' } = opts;
  checkInterpolateMode(input, mode, opts.alignCorners);
  const align = opts.alignCorners ?? false;
  const [sizes, scales] = outputSizes(input, opts);
  const spatial = input.shape.slice(2);
  if (sizes.some((s) => !(s > 0)) || spatial.some((s) => s <= 0))
    throw new ValueError(
      `interpolate: Input and output sizes should be greater than 0, but got input ${fmtShape(spatial)} and output ${fmtShape(sizes)}`,
    );
  let out = input;
  sizes.forEach((outSize, i) => {
    const inSize = spatial[i];
    const scale = scales[i];
    const taps =
      mode === 'nearest' || mode === 'nearest-exact'
        ? nearestTaps(inSize, outSize, scale, mode === 'nearest-exact')
        : mode === 'area'
          ? areaTaps(inSize, outSize)
          : mode === 'bicubic'
            ? cubicTaps(inSize, outSize, scale, align)
            : linearTaps(inSize, outSize, scale, align);
    out = resampleAlong(out, i + 2, taps);
  });
  return out;
}

function checkFactor(op: string, input: Tensor, factor: number, what: string): void {
  if (input.ndim < 3)
    throw new ShapeError(
      `${op} expects input to have at least 3 dimensions, but got input with ${input.ndim} dimension(s)`,
    );
  if (!(factor > 0) || !Number.isInteger(factor))
    throw new ValueError(`${op} expects a positive ${what}, but got ${factor}`);
}

/**
 * [*, C*r*r, H, W] -> [*, C, H*r, W*r] (torch.nn.functional.pixel_shuffle), r = upscaleFactor:
 * the sub-pixel convolution's rearrangement.
 */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  const r = upscaleFactor;
  checkFactor('pixel_shuffle', input, r, 'upscale_factor');
  const batch = input.shape.slice(0, -3);
  const [c, h, w] = input.shape.slice(-3);
  if (c % (r * r) !== 0)
    throw new ShapeError(
      `pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`,
    );
  const b = batch.length;
  return input
    .reshape([...batch, c / (r * r), r, r, h, w])
    .permute([...batch.keys(), b, b + 3, b + 1, b + 4, b + 2])
    .reshape([...batch, c / (r * r), h * r, w * r]);
}

/**
 * [*, C, H*r, W*r] -> [*, C*r*r, H, W], r = downscaleFactor: the inverse of pixelShuffle
 * (torch.nn.functional.pixel_unshuffle).
 */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  const r = downscaleFactor;
  checkFactor('pixel_unshuffle', input, r, 'downscale_factor');
  const batch = input.shape.slice(0, -3);
  const [c, h, w] = input.shape.slice(-3);
  for (const [name, size, dim] of [
    ['height', h, -2],
    ['width', w, -1],
  ] as const) {
    if (size % r !== 0)
      throw new ShapeError(
        `pixel_unshuffle expects ${name} to be divisible by downscale_factor, but input.size(${dim})=${size} is not divisible by ${r}`,
      );
  }
  const b = batch.length;
  return input
    .reshape([...batch, c, h / r, r, w / r, r])
    .permute([...batch.keys(), b, b + 2, b + 4, b + 1, b + 3])
    .reshape([...batch, c * r * r, h / r, w / r]);
}
