/**
 * Convolution with groups 1 as one op with its own gradient ops (PyTorch's
 * ConvolutionBackward0): a backend with fused kernels (the CPU's WebAssembly tier) runs each
 * without materializing the column matrix outside its kernel; any other backend, or an
 * operand the kernel declines, composes im2col and matmul. The three ops are each other's
 * derivatives, so higher-order gradients stay closed over them.
 */
import type { WindowGeometry } from '../backend';
import { apply } from '../dispatch';
import { fmtShape, ShapeError } from '../errors';
import type { Shape } from '../shape';
import type { Tensor } from '../tensor';
import { wrapStorage } from '../tensor-base';
import {
  checkImage,
  col2im,
  geometry,
  type Im2colOptions,
  im2col,
  type Pair,
  windowAttrs,
} from './conv';
import { zeros } from './create';

/** Stride, padding, dilation and the output size (the floor rule when left out). */
export type ConvolutionOptions = Omit<Im2colOptions, 'padValue'>;

function kernelOf(op: string, weight: Shape): Pair {
  if (weight.length !== 4)
    throw new ShapeError(
      `${op}: expected a 4-D [O, C, kh, kw] weight, but got weight of size ${fmtShape(weight)}`,
    );
  return [weight[2], weight[3]];
}

const attrsOf = (g: WindowGeometry) => windowAttrs(g);

function checkGrad(op: string, grad: Tensor, want: Shape): void {
  if (grad.ndim !== 4 || grad.shape.some((d, i) => d !== want[i]))
    throw new ShapeError(
      `${op}: expected an output gradient of size ${fmtShape(want)}, but got ${fmtShape(grad.shape)}`,
    );
}

/** The output gradient as the [O, N*oh*ow] matrix of the composed form. */
function gradMatrix(grad: Tensor): Tensor {
  return grad.movedim(1, 0).reshape([grad.shape[1], -1]);
}

/** Kernel taps [first, end) along one axis that some window reads inside the image. */
function liveTaps(size: number, k: number, stride: number, pad: number, dil: number, out: number) {
  const live = (t: number) => {
    const c = t * dil - pad;
    const o = c >= 0 ? 0 : Math.ceil(-c / stride);
    return o < out && o * stride + c < size;
  };
  let [first, end] = [0, k];
  while (first < end && !live(first)) first++;
  while (end > first && !live(end - 1)) end--;
  return [first, end] as const;
}

/** What a convolution runs on: the kernel (cropped to its live taps) and its geometry. */
interface Plan {
  kernel: Pair;
  opts: ConvolutionOptions;
  g: WindowGeometry;
  /** The live taps [rows, cols] of the full kernel, or null where all are. */
  crop: [readonly [number, number], readonly [number, number]] | null;
}

/**
 * The taps that read inside the image somewhere: a 3x3 kernel over a 1x1 plane with padding
 * 1 reads only its centre, and im2col + GEMM over the rest multiplied 8 zeros in 9 (ResNet-18's
 * last stage on 32x32 images). The others are cut, the padding shrunk to match.
 */
function plan(
  op: string,
  input: Shape,
  kernel: Pair,
  opts: ConvolutionOptions,
  g: WindowGeometry,
): Plan {
  const axis = (i: 0 | 1) =>
    liveTaps(input[2 + i], kernel[i], g.stride[i], g.padding[i], g.dilation[i], g.out[i]);
  const [rows, cols] = [axis(0), axis(1)];
  const padding: Pair = [
    g.padding[0] - rows[0] * g.dilation[0],
    g.padding[1] - cols[0] * g.dilation[1],
  ];
  const whole = rows[1] - rows[0] === kernel[0] && cols[1] - cols[0] === kernel[1];
  if (whole || rows[0] === rows[1] || cols[0] === cols[1] || padding.some((p) => p < 0))
    return { kernel, opts: { ...opts, outputSize: g.out }, g, crop: null };
  const cropped: Pair = [rows[1] - rows[0], cols[1] - cols[0]];
  const o = { ...opts, padding, outputSize: g.out };
  return { kernel: cropped, opts: o, g: geometry(op, input, cropped, o), crop: [rows, cols] };
}

/** The live taps of a [O, C, kh, kw] tensor, as a view. */
function liveView(t: Tensor, crop: NonNullable<Plan['crop']>): Tensor {
  const [[r0, r1], [c0, c1]] = crop;
  return t.narrow(2, r0, r1 - r0).narrow(3, c0, c1 - c0);
}

/** The weight's live taps (all of it without a crop). */
function cropWeight(weight: Tensor, p: Plan): Tensor {
  return (p.crop ? liveView(weight, p.crop) : weight).contiguous();
}

/** x [N, C, H, W] convolved with weight [O, C, kh, kw], plus bias [O]: [N, O, oh, ow]. */
export function convolution(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  opts: ConvolutionOptions = {},
): Tensor {
  const op = 'convolution';
  checkImage(op, x);
  const kernel = kernelOf(op, weight.shape);
  const [o, c] = weight.shape;
  if (c !== x.shape[1] || (bias && (bias.ndim !== 1 || bias.shape[0] !== o)))
    throw new ShapeError(
      `${op}: weight of size ${fmtShape(weight.shape)}${bias ? ` and bias of size ${fmtShape(bias.shape)}` : ''} do not fit input of size ${fmtShape(x.shape)}`,
    );
  const g = geometry(op, x.shape, kernel, opts);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return apply('convolution', inputs, attrsOf(g), () => {
    const p = plan(op, x.shape, kernel, opts, g);
    const [xc, wc, bc] = [x.contiguous(), cropWeight(weight, p), bias?.contiguous() ?? null];
    const fused = x.storage.backend.conv2d?.(xc, wc, bc, p.g);
    if (fused) return wrapStorage(fused, [g.n, o, ...g.out]);
    const cols = im2col(xc, p.kernel, p.opts);
    const out = wc
      .reshape([o, -1])
      .matmul(cols)
      .reshape([o, g.n, ...g.out])
      .movedim(0, 1);
    return bc ? out.add(bc.reshape([1, o, 1, 1])) : out.contiguous();
  });
}

/** The gradient of convolution wrt its input of shape `inputShape`. */
export function convolutionInputGrad(
  grad: Tensor,
  weight: Tensor,
  inputShape: Shape,
  opts: ConvolutionOptions = {},
): Tensor {
  const op = 'convolutionInputGrad';
  const kernel = kernelOf(op, weight.shape);
  const g = geometry(op, inputShape, kernel, opts);
  checkGrad(op, grad, [g.n, weight.shape[0], ...g.out]);
  return apply('convolutionInputGrad', [grad, weight], { ...attrsOf(g), inputShape }, () => {
    const p = plan(op, inputShape, kernel, opts, g);
    const [gc, wc] = [grad.contiguous(), cropWeight(weight, p)];
    const fused = grad.storage.backend.conv2dInputGrad?.(gc, wc, p.g);
    if (fused) return wrapStorage(fused, [...inputShape]);
    const cols = wc.reshape([weight.shape[0], -1]).mT.matmul(gradMatrix(gc));
    return col2im(cols, inputShape, p.kernel, p.opts);
  });
}

/** The gradient of convolution wrt its weight of shape `weightShape`. */
export function convolutionWeightGrad(
  grad: Tensor,
  x: Tensor,
  weightShape: Shape,
  opts: ConvolutionOptions = {},
): Tensor {
  const op = 'convolutionWeightGrad';
  checkImage(op, x);
  const kernel = kernelOf(op, weightShape);
  const g = geometry(op, x.shape, kernel, opts);
  checkGrad(op, grad, [g.n, weightShape[0], ...g.out]);
  return apply('convolutionWeightGrad', [grad, x], { ...attrsOf(g), weightShape }, () => {
    const p = plan(op, x.shape, kernel, opts, g);
    const live: Shape = [weightShape[0], weightShape[1], ...p.kernel];
    const [gc, xc] = [grad.contiguous(), x.contiguous()];
    const fused = grad.storage.backend.conv2dWeightGrad?.(gc, xc, p.g);
    const dw = fused
      ? wrapStorage(fused, live)
      : gradMatrix(gc)
          .matmul(im2col(xc, p.kernel, p.opts).mT)
          .reshape(live);
    if (!p.crop) return dw;
    // The dead taps' gradient is zero: they never met the image.
    const full = zeros(weightShape, { dtype: dw.dtype, device: dw.device });
    liveView(full, p.crop).copy_(dw);
    return full;
  });
}
