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
import { type Tensor, wrapStorage } from '../tensor';
import { checkImage, col2im, geometry, type Im2colOptions, im2col, type Pair } from './conv';

/** Stride, padding, dilation and the output size (the floor rule when left out). */
export type ConvolutionOptions = Omit<Im2colOptions, 'padValue'>;

function kernelOf(op: string, weight: Shape): Pair {
  if (weight.length !== 4)
    throw new ShapeError(
      `${op}: expected a 4-D [O, C, kh, kw] weight, but got weight of size ${fmtShape(weight)}`,
    );
  return [weight[2], weight[3]];
}

function attrsOf(g: WindowGeometry, opts: ConvolutionOptions) {
  return { ...opts, outputSize: g.out };
}

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
  return apply('convolution', inputs, attrsOf(g, opts), () => {
    const [xc, wc, bc] = [x.contiguous(), weight.contiguous(), bias?.contiguous() ?? null];
    const fused = x.storage.backend.conv2d?.(xc, wc, bc, g);
    if (fused) return wrapStorage(fused, [g.n, o, ...g.out]);
    const cols = im2col(xc, kernel, { ...opts, outputSize: g.out });
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
  return apply('convolutionInputGrad', [grad, weight], { ...attrsOf(g, opts), inputShape }, () => {
    const [gc, wc] = [grad.contiguous(), weight.contiguous()];
    const fused = grad.storage.backend.conv2dInputGrad?.(gc, wc, g);
    if (fused) return wrapStorage(fused, [...inputShape]);
    const cols = wc.reshape([weight.shape[0], -1]).mT.matmul(gradMatrix(gc));
    return col2im(cols, inputShape, kernel, { ...opts, outputSize: g.out });
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
  return apply('convolutionWeightGrad', [grad, x], { ...attrsOf(g, opts), weightShape }, () => {
    const [gc, xc] = [grad.contiguous(), x.contiguous()];
    const fused = grad.storage.backend.conv2dWeightGrad?.(gc, xc, g);
    if (fused) return wrapStorage(fused, [...weightShape]);
    const cols = im2col(xc, kernel, { ...opts, outputSize: g.out });
    return gradMatrix(gc)
      .matmul(cols.mT)
      .reshape([...weightShape]);
  });
}
