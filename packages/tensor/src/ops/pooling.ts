/**
 * Pooling over the windows of [N, C, H, W] images. Max pooling: each window's max and its
 * index into its H*W plane (PyTorch's max_pool2d_with_indices), the gradient added back at
 * those indices. Average pooling: avg_pool2d with its divisor rules, the gradient spread back
 * over each window. Backends with kernels run them; others take the windows from im2col
 * (padded with -Infinity for max) and reduce them, with col2im or a scatter for the gradient.
 */
import type { AvgPoolDivisor } from '../backend';
import { apply, composite, noGrad } from '../dispatch';
import { fmtShape, ShapeError, ValueError } from '../errors';
import { type Shape, sameShape } from '../shape';
import type { Tensor } from '../tensor';
import { wrapStorage } from '../tensor-base';
import { checkImage, col2im, geometry, type Im2colOptions, im2col, type Pair } from './conv';
import { arange, tensor, zeros } from './create';

/**
 * The index into its H*W plane of the max of each window of x [N, C, H, W], int64
 * [N, C, oh, ow], by PyTorch's rule: the first of equal values, a NaN always, padding never.
 */
export function maxPoolIndices(x: Tensor, kernelSize: Pair, opts: Im2colOptions = {}): Tensor {
  checkImage('maxPoolIndices', x);
  const g = geometry('maxPoolIndices', x.shape, kernelSize, opts);
  const be = x.storage.backend;
  if (be.maxPool) return wrapStorage(be.maxPool(x, g, false)[1], [g.n, g.c, ...g.out]);
  return noGrad(() => {
    const [kh, kw] = g.kernel;
    const cols = im2col(x, kernelSize, { ...opts, padValue: Number.NEGATIVE_INFINITY });
    const k = cols.reshape([g.c, kh * kw, g.n, ...g.out]).argmax(1);
    const row = arange(g.out[0], { device: x.device })
      .reshape([-1, 1])
      .mul(g.stride[0])
      .sub(g.padding[0])
      .add(k.floorDivide(kw).mul(g.dilation[0]));
    const col = arange(g.out[1], { device: x.device })
      .mul(g.stride[1])
      .sub(g.padding[1])
      .add(k.remainder(kw).mul(g.dilation[1]));
    return row.mul(g.w).add(col).movedim(1, 0).contiguous();
  });
}

/** x's elements at per-plane indices [N, C, oh, ow]: each window's max (maxPoolBackward's derivative too). */
export function atIndices(x: Tensor, indices: Tensor): Tensor {
  const [n, c] = x.shape;
  return x
    .reshape([n, c, -1])
    .gather(2, indices.reshape([n, c, -1]))
    .reshape(indices.shape);
}

/**
 * Max pooling of x [N, C, H, W]: [values, indices], both [N, C, oh, ow]. The gradient goes to
 * each window's argmax (MaxPool2DWithIndicesBackward0).
 */
export function maxPool(x: Tensor, kernelSize: Pair, opts: Im2colOptions = {}): [Tensor, Tensor] {
  checkImage('max_pool2d', x);
  const g = geometry('max_pool2d', x.shape, kernelSize, opts);
  const { kernel, stride, padding, dilation, out } = g;
  const windows = { kernel, stride, padding, dilation, outputSize: out };
  return composite('maxPool2d', [x], windows, (): [Tensor, Tensor] => {
    const be = x.storage.backend;
    if (!be.maxPool || !be.maxPoolBackward) {
      const indices = maxPoolIndices(x, kernelSize, opts);
      return [atIndices(x, indices), indices];
    }
    const outShape = [g.n, g.c, ...g.out];
    // The indices are made by the forward and recorded for the backward: attrs are read after it.
    const attrs: { indices?: Tensor } = {};
    const values = apply('maxPool', [x], attrs, () => {
      const [v, i] = be.maxPool!(x, g, true);
      attrs.indices = wrapStorage(i, outShape);
      return wrapStorage(v!, outShape);
    });
    return [values, attrs.indices as Tensor];
  });
}

/** max_pool2d's gradient: grad [N, C, oh, ow] added at `indices` into a zero `inputShape`. */
export function maxPoolBackward(grad: Tensor, indices: Tensor, inputShape: Shape): Tensor {
  const [n, c, h, w] = inputShape;
  if (
    inputShape.length !== 4 ||
    grad.ndim !== 4 ||
    !sameShape(grad.shape, indices.shape) ||
    grad.shape[0] !== n ||
    grad.shape[1] !== c
  )
    throw new ShapeError(
      `max_pool2d_backward: expected a gradient and indices of one size [${n}, ${c}, oh, ow] for input ${fmtShape(inputShape)}, but got ${fmtShape(grad.shape)} and ${fmtShape(indices.shape)}`,
    );
  return apply('maxPoolBackward', [grad], { indices }, () => {
    const [gc, ic] = [grad.contiguous(), indices.contiguous()];
    const fused = gc.storage.backend.maxPoolBackward?.(gc, ic, inputShape);
    if (fused) return wrapStorage(fused, [...inputShape]);
    return zeros([n, c, h * w], { dtype: grad.dtype, device: grad.device })
      .scatterAdd(2, ic.reshape([n, c, -1]), gc.reshape([n, c, -1]))
      .reshape([...inputShape]);
  });
}

/** avg_pool2d's settings: the windows (no dilation) and what each window's sum is divided by. */
export interface AvgPoolWindowOptions extends Omit<Im2colOptions, 'dilation' | 'padValue'> {
  /** Count padded positions in the divisor (default true), as avg_pool2d's count_include_pad. */
  countIncludePad?: boolean;
  /** Divide every window by this instead (nonzero). */
  divisorOverride?: number | null;
}

function avgGeometry(op: string, shape: Shape, kernelSize: Pair, opts: AvgPoolWindowOptions) {
  const g = geometry(op, shape, kernelSize, { ...opts, dilation: [1, 1] });
  for (const i of [0, 1]) {
    if (g.padding[i] > g.kernel[i] / 2)
      throw new ValueError(
        `${op}: pad should be at most half of effective kernel size, but got pad=${g.padding[i]}, kernel_size=${g.kernel[i]} and dilation=1`,
      );
  }
  // As the ceil rule ensures: every window starts inside the image or its left padding.
  const size = [g.h, g.w];
  if (g.out.some((o, i) => (o - 1) * g.stride[i] - g.padding[i] >= size[i]))
    throw new ShapeError(
      `${op}: output size ${fmtShape(g.out)} puts windows wholly past input of size ${fmtShape(shape)}`,
    );
  if (opts.divisorOverride === 0) throw new ValueError(`${op}: divisor must be not zero`);
  const divisor: AvgPoolDivisor = {
    countIncludePad: opts.countIncludePad ?? true,
    divisorOverride: opts.divisorOverride ?? null,
  };
  // The windows as im2col and col2im take them.
  const windows = { stride: g.stride, padding: g.padding, outputSize: g.out };
  return { g, divisor, windows, attrs: { ...divisor, ...windows } };
}

/** Each window's divisor, [oh, ow], for the composed path (the kernels compute their own). */
function divisors(g: ReturnType<typeof geometry>, d: AvgPoolDivisor, like: Tensor): Tensor {
  const [oh, ow] = g.out;
  const size = (o: number, i: 0 | 1, full: number) => {
    const start = o * g.stride[i] - g.padding[i];
    const end = Math.min(start + g.kernel[i], full + g.padding[i]);
    return d.countIncludePad ? end - start : Math.min(end, full) - Math.max(start, 0);
  };
  const values = Array.from({ length: oh * ow }, (_, k) =>
    d.divisorOverride != null
      ? d.divisorOverride
      : size(Math.floor(k / ow), 0, g.h) * size(k % ow, 1, g.w),
  );
  return tensor(values, { dtype: like.dtype, device: like.device }).reshape([oh, ow]);
}

/**
 * Average pooling of x [N, C, H, W]: [N, C, oh, ow], as avg_pool2d (AvgPool2DBackward0):
 * each window's sum over the image divided by divisorOverride, or by the window's size
 * within the padded image (countIncludePad, the default), or by its positions in the image.
 */
export function avgPool(x: Tensor, kernelSize: Pair, opts: AvgPoolWindowOptions = {}): Tensor {
  checkImage('avg_pool2d', x);
  const { g, divisor, windows, attrs } = avgGeometry('avg_pool2d', x.shape, kernelSize, opts);
  return apply('avgPool', [x], { ...attrs, kernelSize }, () => {
    const xc = x.contiguous();
    const fused = xc.storage.backend.avgPool?.(xc, g, divisor);
    if (fused) return wrapStorage(fused, [g.n, g.c, ...g.out]);
    const cols = im2col(xc, kernelSize, windows);
    const sums = cols.reshape([g.c, g.kernel[0] * g.kernel[1], g.n, ...g.out]).sum(1);
    return sums
      .div(divisors(g, divisor, x))
      .movedim(1, 0)
      .contiguous();
  });
}

/** avg_pool2d's gradient: grad [N, C, oh, ow] spread over each window of a zero `inputShape`. */
export function avgPoolBackward(
  grad: Tensor,
  inputShape: Shape,
  kernelSize: Pair,
  opts: AvgPoolWindowOptions = {},
): Tensor {
  const op = 'avg_pool2d_backward';
  if (inputShape.length !== 4) checkImage(op, grad);
  const { g, divisor, windows, attrs } = avgGeometry(op, inputShape, kernelSize, opts);
  const want = [g.n, g.c, ...g.out];
  if (!sameShape(grad.shape, want))
    throw new ShapeError(
      `${op}: expected a gradient of size ${fmtShape(want)} for input ${fmtShape(inputShape)}, but got ${fmtShape(grad.shape)}`,
    );
  return apply('avgPoolBackward', [grad], { ...attrs, kernelSize, inputShape }, () => {
    const gc = grad.contiguous();
    const fused = gc.storage.backend.avgPoolBackward?.(gc, g, divisor);
    if (fused) return wrapStorage(fused, [...inputShape]);
    const [c, n, k] = [g.c, g.n, g.kernel[0] * g.kernel[1]];
    const cols = gc
      .div(divisors(g, divisor, grad))
      .movedim(1, 0)
      .unsqueeze(1)
      .expand([c, k, n, ...g.out])
      .reshape([c * k, -1]);
    return col2im(cols, inputShape, kernelSize, windows);
  });
}
