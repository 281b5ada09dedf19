/**
 * Pooling over image windows: max pooling takes each window's max (the tensor package's maxPool;
 * its gradient goes to the argmax, as PyTorch's), average pooling its avgPool (avg_pool2d's
 * divisor rules). 1-D pooling runs the 2-D one on a height-1 image. Adaptive pooling uses
 * PyTorch's bins: start floor(i*in/out), end ceil((i+1)*in/out).
 */
import {
  avgPool,
  fmtShape,
  maxPool,
  type Pair,
  ShapeError,
  stack,
  type Tensor,
  tensor,
  ValueError,
  type ValuesIndices,
  valuesIndices,
  zeros,
} from '@tensile/tensor';
import { type IntOrPair, ntuple, pair } from './conv';

/** Options of the max pooling functions (torch's stride, padding, dilation, ceil_mode). */
export interface MaxPoolOptions {
  /**
   * Step between windows; default (or null, PyTorch's None) the kernel size, so windows don't
   * overlap.
   */
  stride?: IntOrPair | null;
  /**
   * Implicit -infinity on both sides of each spatial dim (default 0); at most half the effective
   * kernel size.
   */
  padding?: IntOrPair;
  /** Spacing between the elements of a window (default 1). */
  dilation?: IntOrPair;
  /**
   * Round the output size up, so a partial window at the end counts (default false); as in PyTorch,
   * a window that would start in the right padding is dropped.
   */
  ceilMode?: boolean;
}

/**
 * Options of the average pooling functions (torch's stride, padding, ceil_mode, count_include_pad,
 * divisor_override).
 */
export interface AvgPoolOptions {
  /** Step between windows; default (or null, PyTorch's None) the kernel size. */
  stride?: IntOrPair | null;
  /** Implicit zeros on both sides of each spatial dim (default 0); at most half the kernel size. */
  padding?: IntOrPair;
  /** Round the output size up, so a partial window at the end counts (default false). */
  ceilMode?: boolean;
  /**
   * Count the padding zeros in each window's divisor (default true, as PyTorch); false averages
   * over the input elements only.
   */
  countIncludePad?: boolean;
  /**
   * Divide every window's sum by this instead of its size (default null); 2-D only, as in PyTorch.
   */
  divisorOverride?: number | null;
}

interface Window {
  kernel: Pair;
  stride: Pair;
  padding: Pair;
  dilation: Pair;
  out: Pair;
}

/** PyTorch's pooling output size, with ceil mode's rule that the last window starts inside the image or its left padding. */
function poolOut(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = d * (k - 1) + 1;
  const num = size + 2 * p - span + (ceil ? s - 1 : 0);
  let out = Math.floor(num / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

function windowOf(
  op: string,
  x: Tensor,
  dims: 1 | 2,
  kernelSize: IntOrPair,
  opts: {
    stride?: IntOrPair | null;
    padding?: IntOrPair;
    dilation?: IntOrPair;
    ceilMode?: boolean;
  },
): Window {
  const lift = (v: IntOrPair, fill: number, what: string): Pair =>
    dims === 1 ? [fill, ntuple(1, v, what)[0]] : pair(v, what);
  const kernel = lift(kernelSize, 1, 'kernel_size');
  const stride =
    opts.stride == null || (Array.isArray(opts.stride) && opts.stride.length === 0)
      ? kernel
      : lift(opts.stride, 1, 'stride');
  const padding = lift(opts.padding ?? 0, 0, 'padding');
  const dilation = lift(opts.dilation ?? 1, 1, 'dilation');
  for (const i of [0, 1]) {
    if (padding[i] > (dilation[i] * (kernel[i] - 1) + 1) / 2)
      throw new ValueError(
        `${op}: pad should be at most half of effective kernel size, but got pad=${padding[i]}, kernel_size=${kernel[i]} and dilation=${dilation[i]}`,
      );
  }
  const h = x.shape[x.ndim - 2];
  const w = x.shape[x.ndim - 1];
  const out: Pair = [
    poolOut(h, kernel[0], stride[0], padding[0], dilation[0], opts.ceilMode ?? false),
    poolOut(w, kernel[1], stride[1], padding[1], dilation[1], opts.ceilMode ?? false),
  ];
  if (out[0] < 1 || out[1] < 1) {
    throw new ShapeError(
      `${op}: Given input size: (${x.shape.slice(1).join('x')}). Calculated output size: (${x.shape[1]}x${out.join('x')}). Output size is too small`,
    );
  }
  return { kernel, stride, padding, dilation, out };
}

/** [N, C, H, W] from a batched or unbatched 1-D/2-D input, and how to shape the result back. */
function asImage(op: string, input: Tensor, dims: 1 | 2): [Tensor, (t: Tensor) => Tensor] {
  const batchedNd = dims + 2;
  if (input.ndim !== batchedNd && input.ndim !== batchedNd - 1) {
    throw new ShapeError(
      `${op}: Expected ${batchedNd - 1}D or ${batchedNd}D input, but got input of size ${fmtShape(input.shape)}`,
    );
  }
  const batched = input.ndim === batchedNd ? input : input.unsqueeze(0);
  const img = dims === 1 ? batched.unsqueeze(2) : batched;
  const back = (t: Tensor) => {
    const r = dims === 1 ? t.squeeze(2) : t;
    return input.ndim === batchedNd ? r : r.squeeze(0);
  };
  return [img, back];
}

function maxPoolNd(
  op: string,
  input: Tensor,
  kernelSize: IntOrPair,
  opts: MaxPoolOptions,
  dims: 1 | 2,
  withIndices: boolean,
): Tensor | ValuesIndices {
  const [x, back] = asImage(op, input, dims);
  const win = windowOf(op, x, dims, kernelSize, opts);
  // The gradient goes to each window's argmax.
  const [values, indices] = maxPool(x, win.kernel, {
    stride: win.stride,
    padding: win.padding,
    dilation: win.dilation,
    outputSize: win.out,
  });
  const out = back(values);
  return withIndices ? valuesIndices(out, back(indices)) : out;
}

/**
 * Each window's maximum (torch.nn.functional.max_pool2d): [N, C, H, W] (or
 * [C, H, W]) -> [N, C, H', W'], H' = floor((H + 2 * padding - dilation * (k - 1) - 1) / stride) + 1
 * (ceil with ceilMode), W' likewise. The gradient goes to each window's argmax.
 */
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, opts: MaxPoolOptions = {}): Tensor {
  return maxPoolNd('max_pool2d', input, kernelSize, opts, 2, false) as Tensor;
}

/**
 * max_pool2d with return_indices: [output, indices], the indices flat into each input plane
 * (H*W), as maxUnpool2d takes them. The pair also reads as `.values` and `.indices`.
 */
export function maxPool2dWithIndices(
  input: Tensor,
  kernelSize: IntOrPair,
  opts: MaxPoolOptions = {},
): ValuesIndices {
  return maxPoolNd('max_pool2d', input, kernelSize, opts, 2, true) as ValuesIndices;
}

/**
 * Each window's maximum (torch.nn.functional.max_pool1d): [N, C, L] (or [C, L]) -> [N, C, L'], L'
 * as for one dim of maxPool2d.
 */
export function maxPool1d(input: Tensor, kernelSize: IntOrPair, opts: MaxPoolOptions = {}): Tensor {
  return maxPoolNd('max_pool1d', input, kernelSize, opts, 1, false) as Tensor;
}

/** max_pool1d with return_indices: [output, indices into each input row (L)], for maxUnpool1d. */
export function maxPool1dWithIndices(
  input: Tensor,
  kernelSize: IntOrPair,
  opts: MaxPoolOptions = {},
): ValuesIndices {
  return maxPoolNd('max_pool1d', input, kernelSize, opts, 1, true) as ValuesIndices;
}

function avgPoolNd(
  op: string,
  input: Tensor,
  kernelSize: IntOrPair,
  opts: AvgPoolOptions,
  dims: 1 | 2,
): Tensor {
  const [x, back] = asImage(op, input, dims);
  const win = windowOf(op, x, dims, kernelSize, opts);
  if (opts.divisorOverride === 0) throw new ValueError(`${op}: divisor must be not zero`);
  return back(
    avgPool(x, win.kernel, {
      stride: win.stride,
      padding: win.padding,
      outputSize: win.out,
      countIncludePad: opts.countIncludePad ?? true,
      divisorOverride: opts.divisorOverride ?? null,
    }),
  );
}

/**
 * Each window's mean (torch.nn.functional.avg_pool2d): [N, C, H, W] (or
 * [C, H, W]) -> [N, C, H', W'], H' = floor((H + 2 * padding - k) / stride) + 1 (ceil with
 * ceilMode). See AvgPoolOptions for the divisor.
 */
export function avgPool2d(input: Tensor, kernelSize: IntOrPair, opts: AvgPoolOptions = {}): Tensor {
  return avgPoolNd('avg_pool2d', input, kernelSize, opts, 2);
}

/**
 * Each window's mean (torch.nn.functional.avg_pool1d): [N, C, L] (or [C, L]) -> [N, C, L'].
 * `divisorOverride` is ignored: PyTorch's avg_pool1d has none.
 */
export function avgPool1d(input: Tensor, kernelSize: IntOrPair, opts: AvgPoolOptions = {}): Tensor {
  return avgPoolNd('avg_pool1d', input, kernelSize, { ...opts, divisorOverride: null }, 1);
}

/** PyTorch's adaptive bins along one axis: [start, end) for each of `out` outputs. */
function bins(size: number, out: number): [number, number][] {
  return Array.from({ length: out }, (_, i) => [
    Math.floor((i * size) / out),
    Math.ceil(((i + 1) * size) / out),
  ]);
}

/** [out, size] matrix averaging each bin: adaptive average pooling is P_h x P_w^T. */
function binMatrix(size: number, out: number, like: Tensor): Tensor {
  const rows = bins(size, out).map(([s, e]) =>
    Array.from({ length: size }, (_, j) => (j >= s && j < e ? 1 / (e - s) : 0)),
  );
  // No outputs: a [0, size] matrix, as adaptive pooling to 0 gives an empty result in torch.
  return rows.length > 0
    ? tensor(rows, { dtype: like.dtype, device: like.device })
    : zeros([0, size], { dtype: like.dtype, device: like.device });
}

function outputPair(
  outputSize: IntOrPair | readonly (number | null)[],
  h: number,
  w: number,
): Pair {
  const o =
    typeof outputSize === 'number'
      ? [outputSize, outputSize]
      : outputSize.length === 1
        ? [outputSize[0], outputSize[0]]
        : outputSize;
  return [o[0] ?? h, o[1] ?? w];
}

/** Adaptive average pooling of an [N, C, H, W] image to [N, C, oh, ow]. */
function adaptiveAvgImage(x: Tensor, oh: number, ow: number): Tensor {
  const [h, w] = [x.shape[2], x.shape[3]];
  // Even bins (a ResNet's global pooling) are plain average-pooling windows: one fused pass
  // where products per plane cost a call each (16,384 of them in W6's 1x1 planes).
  if (oh > 0 && ow > 0 && h > 0 && w > 0 && h % oh === 0 && w % ow === 0) {
    const kernel: Pair = [h / oh, w / ow];
    return avgPool(x, kernel, { stride: kernel, outputSize: [oh, ow] });
  }
  return binMatrix(h, oh, x)
    .matmul(x)
    .matmul(binMatrix(w, ow, x).t());
}

/**
 * Average pooling to a fixed output size whatever the input's
 * (torch.nn.functional.adaptive_avg_pool2d): [N, C, H, W] (or [C, H, W]) -> [N, C, oh, ow].
 * `outputSize` is one int, or [oh, ow] where null keeps that input dim. Bins are PyTorch's, so they
 * may overlap when the sizes don't divide.
 */
export function adaptiveAvgPool2d(
  input: Tensor,
  outputSize: IntOrPair | readonly (number | null)[],
): Tensor {
  const [x, back] = asImage('adaptive_avg_pool2d', input, 2);
  return back(adaptiveAvgImage(x, ...outputPair(outputSize, x.shape[2], x.shape[3])));
}

/**
 * Average pooling to a fixed length (torch.nn.functional.adaptive_avg_pool1d): [N, C, L] (or
 * [C, L]) -> [N, C, outputSize].
 */
export function adaptiveAvgPool1d(input: Tensor, outputSize: IntOrPair): Tensor {
  const [x, back] = asImage('adaptive_avg_pool1d', input, 1);
  return back(adaptiveAvgImage(x, 1, ntuple(1, outputSize, 'output_size')[0]));
}

function adaptiveMaxNd(
  op: string,
  input: Tensor,
  outputSize: IntOrPair | readonly (number | null)[],
  dims: 1 | 2,
): ValuesIndices {
  const [x, back] = asImage(op, input, dims);
  const [h, w] = [x.shape[2], x.shape[3]];
  const [oh, ow] =
    dims === 1
      ? [1, ntuple(1, outputSize as IntOrPair, 'output_size')[0]]
      : outputPair(outputSize, h, w);
  const values: Tensor[] = [];
  const indices: Tensor[] = [];
  for (const [r0, r1] of bins(h, oh)) {
    for (const [c0, c1] of bins(w, ow)) {
      const region = x
        .narrow(2, r0, r1 - r0)
        .narrow(3, c0, c1 - c0)
        .flatten(2);
      const [v, k] = region.max(2);
      values.push(v);
      const bw = c1 - c0;
      indices.push(k.floorDivide(bw).add(r0).mul(w).add(k.remainder(bw).add(c0)));
    }
  }
  const shape = [x.shape[0], x.shape[1], oh, ow];
  const out = back(stack(values, 2).reshape(shape));
  const idx = back(stack(indices, 2).reshape(shape));
  return valuesIndices(out, idx);
}

/**
 * Max pooling to a fixed output size (torch.nn.functional.adaptive_max_pool2d): [N, C, H, W] (or
 * [C, H, W]) -> [N, C, oh, ow]; `outputSize` as for adaptiveAvgPool2d.
 */
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: IntOrPair | readonly (number | null)[],
): Tensor {
  return adaptiveMaxNd('adaptive_max_pool2d', input, outputSize, 2)[0];
}

/** adaptive_max_pool2d with return_indices: [output, indices into each input plane (H*W)]. */
export function adaptiveMaxPool2dWithIndices(
  input: Tensor,
  outputSize: IntOrPair | readonly (number | null)[],
): ValuesIndices {
  return adaptiveMaxNd('adaptive_max_pool2d', input, outputSize, 2);
}

/**
 * Max pooling to a fixed length (torch.nn.functional.adaptive_max_pool1d): [N, C, L] (or
 * [C, L]) -> [N, C, outputSize].
 */
export function adaptiveMaxPool1d(input: Tensor, outputSize: IntOrPair): Tensor {
  return adaptiveMaxNd('adaptive_max_pool1d', input, outputSize, 1)[0];
}

/** adaptive_max_pool1d with return_indices: [output, indices into each input row (L)]. */
export function adaptiveMaxPool1dWithIndices(input: Tensor, outputSize: IntOrPair): ValuesIndices {
  return adaptiveMaxNd('adaptive_max_pool1d', input, outputSize, 1);
}
