/**
 * Convolutions with groups 1 are the tensor package's convolution op (fused kernels where the
 * backend has them), transposed ones its input gradient. Grouped ones are one matrix product
 * per group over im2col's columns (the whole batch at once), and col2im for transposed ones.
 * 1-D versions run the 2-D ones on a height-1 image.
 */
import {
  col2im,
  composite,
  convolution,
  convolutionInputGrad,
  fmtShape,
  im2col,
  type Pair,
  ShapeError,
  type Tensor,
  ValueError,
} from '@tensile/tensor';

/**
 * One int for every spatial dim, or one per dim ([h, w] in 2-D, as PyTorch's tuples); a one-element
 * array counts as one int.
 */
export type IntOrPair = number | readonly number[];
/**
 * A convolution's padding: zeros on both sides of each spatial dim (an int or one per dim), 'valid'
 * (none), or 'same' (output as large as the input; stride 1 only; an odd total pads one more at the
 * bottom/right, as PyTorch does).
 */
export type ConvPadding = IntOrPair | 'same' | 'valid';

/** Options of conv1d and conv2d (torch's stride, padding, dilation, groups keywords). */
export interface ConvOptions {
  /** Step between kernel positions (default 1). */
  stride?: IntOrPair;
  /**
   * Implicit zeros on both sides of each spatial dim, 'valid' or 'same' (default 0); see
   * ConvPadding.
   */
  padding?: ConvPadding;
  /**
   * Spacing between kernel taps (default 1): a kernel of size k spans dilation * (k - 1) + 1
   * inputs.
   */
  dilation?: IntOrPair;
  /**
   * Independent convolutions over as many slices of the channels (default 1); input and output
   * channels must both divide by it, and groups = C is a depthwise convolution.
   */
  groups?: number;
}

/**
 * Options of convTranspose1d and convTranspose2d, named after the convolution they transpose
 * (torch's keywords).
 */
export interface ConvTransposeOptions {
  /** The stride of the transposed convolution, so the upsampling factor (default 1). */
  stride?: IntOrPair;
  /**
   * The padding of the transposed convolution: removes that many outputs from both sides of each
   * spatial dim (default 0). No 'same' or 'valid'.
   */
  padding?: IntOrPair;
  /**
   * Extra outputs on the bottom/right of each spatial dim (default 0), to choose among the input
   * sizes a strided convolution maps to one size; must be smaller than stride or dilation.
   */
  outputPadding?: IntOrPair;
  /** Spacing between kernel taps (default 1). */
  dilation?: IntOrPair;
  /** Independent transposed convolutions over as many slices of the channels (default 1). */
  groups?: number;
}

/** An int or a sequence of `n` ints, as `n` ints (PyTorch's _pair/_single). */
export function ntuple(n: number, v: IntOrPair, what = 'argument'): number[] {
  if (typeof v === 'number') return Array(n).fill(v);
  if (v.length === 1) return Array(n).fill(v[0]);
  if (v.length !== n)
    throw new ValueError(
      `expected ${what} to be a single integer value or a list of ${n} values, but got ${fmtShape(v)}`,
    );
  return [...v];
}

/** ntuple(2, v): an int or [h, w] as [h, w] (PyTorch's _pair). */
export const pair = (v: IntOrPair, what?: string): Pair => ntuple(2, v, what) as unknown as Pair;

/** [N, C, H, W] (or one unbatched [C, H, W] image, returned with a flag to undo the batch dim). */
function batched(op: string, input: Tensor, dims: number): [Tensor, boolean] {
  if (input.ndim === dims + 2) return [input, true];
  if (input.ndim === dims + 1) return [input.unsqueeze(0), false];
  throw new ShapeError(
    `${op}: Expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input to ${op}, but got input of size: ${fmtShape(input.shape)}`,
  );
}

function checkGroups(op: string, groups: number, channels: number, what: string): void {
  if (!Number.isInteger(groups) || groups < 1)
    throw new ValueError(`${op}: non-positive groups is not supported`);
  if (channels % groups !== 0) throw new ValueError(`${op}: ${what} must be divisible by groups`);
}

/**
 * weight_g [O/g, rows_g] @ cols_g for each group, as one batched product [g, O/g, rows_g] x
 * [g, rows_g, L] stacked back along the output channels. (A product per group chunk cost a
 * full-size gradient per chunk in backward: MobileNetV2's 960-group layers took seconds.)
 */
function groupedProduct(weight2d: Tensor, cols: Tensor, groups: number): Tensor {
  if (groups === 1) return weight2d.matmul(cols);
  const [o, rows] = weight2d.shape;
  const w = weight2d.reshape([groups, o / groups, rows]);
  const c = cols.reshape([groups, rows, cols.shape[1]]);
  return w.matmul(c).reshape([o, cols.shape[1]]);
}

function resolvePadding(
  op: string,
  padding: ConvPadding,
  stride: Pair,
  kernel: Pair,
  dilation: Pair,
): [Pair, boolean] {
  if (padding === 'valid') return [[0, 0], false];
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1)
      throw new ValueError(`${op}: padding='same' is not supported for strided convolutions`);
    // Odd total padding goes one more on the bottom/right, as PyTorch pads it.
    return [
      [
        Math.floor((dilation[0] * (kernel[0] - 1)) / 2),
        Math.floor((dilation[1] * (kernel[1] - 1)) / 2),
      ],
      true,
    ];
  }
  if (typeof padding === 'string')
    throw new ValueError(
      `${op}: Invalid padding string '${padding}', should be one of ['valid', 'same']`,
    );
  return [pair(padding, 'padding'), false];
}

/**
 * What both convolutions start from: a batched input, and for 1-D a height-1 image and kernel,
 * with `lift` turning 1-D settings into 2-D ones (the height's is `fill`).
 */
function prepare(op: string, input: Tensor, weight: Tensor, dims: 1 | 2) {
  const [x4, isBatched] = batched(op, input, dims);
  if (weight.ndim !== dims + 2)
    throw new ShapeError(
      `${op}: expected a ${dims + 2}-D weight, but got weight of size ${fmtShape(weight.shape)}`,
    );
  const x = dims === 1 ? x4.unsqueeze(2) : x4;
  const w = dims === 1 ? weight.unsqueeze(2) : weight;
  const lift = (v: IntOrPair, fill: number, what: string): Pair =>
    dims === 1 ? [fill, ntuple(1, v, what)[0]] : pair(v, what);
  const kernel: Pair = [w.shape[2], w.shape[3]];
  return { x, x4, w, isBatched, lift, kernel };
}

function convNd(
  op: string,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  opts: ConvOptions,
  dims: 1 | 2,
): Tensor {
  const groups = opts.groups ?? 1;
  const [outCh, inPerGroup] = weight.shape;
  checkGroups(op, groups, outCh, 'out_channels');
  const { x, x4, w, isBatched, lift, kernel } = prepare(op, input, weight, dims);
  if (x.shape[1] !== inPerGroup * groups) {
    throw new ShapeError(
      `${op}: Given groups=${groups}, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(x4.shape)} to have ${inPerGroup * groups} channels, but got ${x.shape[1]} channels instead`,
    );
  }
  const stride = lift(opts.stride ?? 1, 1, 'stride');
  const dilation = lift(opts.dilation ?? 1, 1, 'dilation');
  const p = opts.padding ?? 0;
  const [padding, same] = resolvePadding(
    op,
    typeof p === 'string' ? p : lift(p, 0, 'padding'),
    stride,
    kernel,
    dilation,
  );
  const [n, , h, wd] = x.shape;
  for (const i of [0, 1]) {
    const size = x.shape[2 + i] + 2 * padding[i];
    const span = dilation[i] * (kernel[i] - 1) + 1;
    if (!same && size < span) {
      const padded = [0, 1].map((j) => x.shape[2 + j] + 2 * padding[j]);
      const spans = [0, 1].map((j) => dilation[j] * (kernel[j] - 1) + 1);
      throw new ShapeError(
        `${op}: Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${spans.join(' x ')}). Kernel size can't be greater than actual input size`,
      );
    }
  }
  const outDim = (i: number, size: number) =>
    same
      ? size
      : Math.floor((size + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i]) + 1;
  const outputSize: Pair = [outDim(0, h), outDim(1, wd)];
  const spatial = dims === 1 ? [outputSize[1]] : outputSize;
  const end = (i: 0 | 1) => (same ? dilation[i] * (kernel[i] - 1) - padding[i] : padding[i]);
  const ends: Pair = [end(0), end(1)];
  const attrs = { groups, ...geometryAttrs(dims, { stride, dilation, padding, ends }) };
  const inputs = bias ? [input, weight, bias] : [input, weight];
  return composite('conv', inputs, attrs, () => {
    if (groups === 1) {
      const out = convolution(x, w, bias ?? null, { stride, padding, dilation, outputSize });
      const result = dims === 1 ? out.squeeze(2) : out;
      return isBatched ? result : result.squeeze(0);
    }
    const cols = im2col(x, kernel, { stride, padding, dilation, outputSize });
    const out = groupedProduct(w.reshape([outCh, -1]), cols, groups);
    const nchw = out.reshape([outCh, n, ...spatial]).movedim(0, 1);
    // The bias add writes the [N, C, ...] layout itself: no separate copy to make it contiguous.
    const result = bias
      ? nchw.add(bias.reshape([1, outCh, ...spatial.map(() => 1)]))
      : nchw.contiguous();
    return isBatched ? result : result.squeeze(0);
  });
}

/**
 * A convolution's geometry as an exporter reads it (ONNX's Conv): one value per spatial dim,
 * the padding before (`padding`) and after (`ends`) each.
 */
function geometryAttrs<K extends string>(dims: 1 | 2, g: Record<K, Pair>): Record<K, number[]> {
  const entries = Object.entries<Pair>(g).map(([k, v]) => [k, dims === 1 ? [v[1]] : [...v]]);
  return Object.fromEntries(entries) as Record<K, number[]>;
}

/**
 * 2-D convolution (torch.nn.functional.conv2d; a cross-correlation, as in PyTorch): [N, C, H, W]
 * (or [C, H, W]) with weight [O, C/groups, kh, kw] and bias [O] -> [N, O, H', W'], where
 * H' = floor((H + 2 * padding - dilation * (kh - 1) - 1) / stride) + 1, and W' likewise.
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: ConvOptions = {},
): Tensor {
  return convNd('conv2d', input, weight, bias, opts, 2);
}

/**
 * 1-D convolution (torch.nn.functional.conv1d): [N, C, L] (or [C, L]) with weight
 * [O, C/groups, k] and bias [O] -> [N, O, L'], L' as for one dim of conv2d.
 */
export function conv1d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: ConvOptions = {},
): Tensor {
  return convNd('conv1d', input, weight, bias, opts, 1);
}

function convTransposeNd(
  op: string,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  opts: ConvTransposeOptions,
  dims: 1 | 2,
): Tensor {
  const groups = opts.groups ?? 1;
  const [inCh, outPerGroup] = weight.shape;
  checkGroups(op, groups, inCh, 'in_channels');
  const { x, x4, w, isBatched, lift, kernel } = prepare(op, input, weight, dims);
  if (x.shape[1] !== inCh) {
    throw new ShapeError(
      `${op}: Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(x4.shape)} to have ${inCh} channels, but got ${x.shape[1]} channels instead`,
    );
  }
  const stride = lift(opts.stride ?? 1, 1, 'stride');
  const padding = lift(opts.padding ?? 0, 0, 'padding');
  const dilation = lift(opts.dilation ?? 1, 1, 'dilation');
  const outputPadding = lift(opts.outputPadding ?? 0, 0, 'output_padding');
  for (const i of [0, 1]) {
    if (outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i]) {
      throw new ValueError(
        `${op}: output padding must be smaller than either stride or dilation, but got output_padding ${fmtShape(outputPadding)}, stride ${fmtShape(stride)}, dilation ${fmtShape(dilation)}`,
      );
    }
  }
  const [n, , h, wd] = x.shape;
  const outSize = (i: number, size: number) =>
    (size - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1;
  const outShape = [n, outPerGroup * groups, outSize(0, h), outSize(1, wd)];
  const attrs = {
    groups,
    ...geometryAttrs(dims, { stride, dilation, padding, ends: padding, outputPadding }),
  };
  const inputs = bias ? [input, weight, bias] : [input, weight];
  return composite('convTranspose', inputs, attrs, () => {
    if (groups === 1) {
      // The transposed convolution is the input gradient of the convolution it transposes.
      let out = convolutionInputGrad(x, w, outShape, {
        stride,
        padding,
        dilation,
        outputSize: [h, wd],
      });
      if (bias) out = out.add(bias.reshape([-1, 1, 1]));
      if (dims === 1) out = out.squeeze(2);
      return isBatched ? out : out.squeeze(0);
    }
    const xm = x.movedim(1, 0).reshape([inCh, -1]);
    // Per group: W_g^T [outPerGroup*kk, inCh/g] @ x_g [inCh/g, N*H*W].
    const wt = w
      .reshape([groups, inCh / groups, -1])
      .transpose(1, 2)
      .reshape([-1, inCh / groups]);
    const cols = groupedProduct(wt, xm, groups);
    let out = col2im(cols, outShape, kernel, { stride, padding, dilation, outputSize: [h, wd] });
    if (bias) out = out.add(bias.reshape([-1, 1, 1]));
    if (dims === 1) out = out.squeeze(2);
    return isBatched ? out : out.squeeze(0);
  });
}

/**
 * Transposed 2-D convolution (torch.nn.functional.conv_transpose2d), the gradient of conv2d with
 * respect to its input: [N, C, H, W] (or [C, H, W]) with weight [C, O/groups, kh, kw] (in before
 * out, unlike conv2d) -> [N, O, H', W'], where
 * H' = (H - 1) * stride - 2 * padding + dilation * (kh - 1) + outputPadding + 1.
 */
export function convTranspose2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd('conv_transpose2d', input, weight, bias, opts, 2);
}

/**
 * Transposed 1-D convolution (torch.nn.functional.conv_transpose1d), the gradient of conv1d with
 * respect to its input: [N, C, L] (or [C, L]) with weight [C, O/groups, k] -> [N, O, L'],
 * L' = (L - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1.
 */
export function convTranspose1d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd('conv_transpose1d', input, weight, bias, opts, 1);
}

/**
 * Options of unfold and fold (torch's dilation, padding, stride keywords); each an int or [h, w].
 */
export interface UnfoldOptions {
  /** Spacing between kernel taps (default 1). */
  dilation?: IntOrPair;
  /** Implicit zeros on both sides of each spatial dim (default 0). */
  padding?: IntOrPair;
  /** Step between block positions (default 1). */
  stride?: IntOrPair;
}

function windowOptions(opts: UnfoldOptions) {
  return {
    dilation: pair(opts.dilation ?? 1),
    padding: pair(opts.padding ?? 0),
    stride: pair(opts.stride ?? 1),
  };
}

/**
 * Sliding blocks of [N, C, H, W] (or [C, H, W]) as columns [N, C*kh*kw, L], L the number of
 * block positions (torch.nn.functional.unfold, im2col).
 */
export function unfold(input: Tensor, kernelSize: IntOrPair, opts: UnfoldOptions = {}): Tensor {
  const [x, isBatched] = batched('unfold', input, 2);
  const cols = im2col(x, pair(kernelSize, 'kernel_size'), windowOptions(opts));
  const out = cols.reshape([cols.shape[0], x.shape[0], -1]).movedim(1, 0);
  return isBatched ? out : out.squeeze(0);
}

/**
 * Sums sliding blocks [N, C*kh*kw, L] (or [C*kh*kw, L]) back into [N, C, H, W], H and W from
 * `outputSize` (torch.nn.functional.fold, col2im): overlapping blocks add up, so fold(unfold(x))
 * is x times how many blocks cover each pixel.
 */
export function fold(
  input: Tensor,
  outputSize: IntOrPair,
  kernelSize: IntOrPair,
  opts: UnfoldOptions = {},
): Tensor {
  const isBatched = input.ndim === 3;
  if (input.ndim !== 2 && input.ndim !== 3)
    throw new ShapeError(
      `fold: Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${fmtShape(input.shape)}`,
    );
  const x = isBatched ? input : input.unsqueeze(0);
  const k = pair(kernelSize, 'kernel_size');
  const [n, rows] = x.shape;
  if (rows % (k[0] * k[1]) !== 0) {
    throw new ShapeError(
      `fold: Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${rows} and kernel_size=${fmtShape(k)}`,
    );
  }
  const [h, w] = pair(outputSize, 'output_size');
  const out = col2im(
    x.movedim(0, 1).reshape([rows, -1]),
    [n, rows / (k[0] * k[1]), h, w],
    k,
    windowOptions(opts),
  );
  return isBatched ? out : out.squeeze(0);
}
