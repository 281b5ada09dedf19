/**
 * Max pooling over the windows of [N, C, H, W] images: each window's max and its index into
 * its H*W plane (PyTorch's max_pool2d_with_indices), the gradient added back at those indices.
 * Backends with kernels for both run them; others take the windows from im2col (padded with
 * -Infinity) and gather and scatter through the indices.
 */
import { apply, noGrad } from '../dispatch';
import { fmtShape, ShapeError } from '../errors';
import { type Shape, sameShape } from '../shape';
import { type Tensor, wrapStorage } from '../tensor';
import { checkImage, geometry, type Im2colOptions, im2col, type Pair } from './conv';
import { arange, zeros } from './create';

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
