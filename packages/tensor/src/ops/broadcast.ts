import type { View } from '../backend';
import { getDefaultDtype } from '../defaults';
import type { DType, PromotionOperand } from '../dtype';
import { allocArray, castScalar, resultType } from '../dtype';
import { DeviceError } from '../errors';
import { broadcastStrides, dimsByStride, type Shape, sameShape, stridesDescend } from '../shape';
import type { Tensor } from '../tensor';
import { isTensor, type TensorLike, wrapStorage } from '../tensor-base';

/** x's elements read as `shape` (stride 0 on broadcast dims), without recording anything. */
export function broadcastView(x: Tensor, shape: Shape): View {
  return {
    storage: x.storage,
    dtype: x.dtype,
    shape,
    strides: broadcastStrides(x.shape, x.strides, shape),
    offset: x.offset,
  };
}

export function promotionOperand(x: TensorLike): PromotionOperand {
  return isTensor(x) ? { dtype: x.dtype, dim: x.ndim } : x;
}

/** torch.result_type over tensors and scalars. */
export function resultTypeOf(...xs: TensorLike[]): DType {
  return resultType(xs.map(promotionOperand), getDefaultDtype());
}

/** A 0-d tensor holding `value` cast to `dtype`, on the device of `like`. */
export function scalarTensor(value: number | boolean, dtype: DType, like: Tensor): Tensor {
  const data = allocArray(dtype, 1);
  data[0] = castScalar(Number(value), dtype);
  return wrapStorage(like.storage.backend.fromArray(data, dtype), []);
}

/** PyTorch's error when an op's tensors live on different devices. */
export function checkSameDevice(op: string, ...xs: readonly (Tensor | undefined)[]): void {
  const ts = xs.filter((x): x is Tensor => x !== undefined);
  const other = ts.find((x) => x.device !== ts[0].device);
  if (other) {
    throw new DeviceError(
      `${op}: Expected all tensors to be on the same device, but found at least two devices, ${ts[0].device} and ${other.device}!`,
    );
  }
}

/**
 * Turns scalars into 0-d tensors of `dtype` next to the first tensor operand and checks that all
 * tensors share a device. Float64 or integer inputs of a float32 op are cast first, so the
 * arithmetic rounds as PyTorch's does.
 */
export function operands(
  op: string,
  xs: readonly TensorLike[],
  dtype: DType,
  like?: Tensor,
): Tensor[] {
  const anchor = like ?? xs.find((x): x is Tensor => isTensor(x));
  if (!anchor) throw new TypeError(`${op}: expected at least one tensor argument`);
  return xs.map((x) => {
    if (!isTensor(x)) return scalarTensor(x, dtype, anchor);
    checkSameDevice(op, anchor, x);
    const lossy =
      dtype === 'float32' && (x.dtype === 'float64' || x.dtype === 'int64' || x.dtype === 'int32');
    return lossy ? x.to(dtype) : x;
  });
}

/**
 * Where the full-size operands of an elementwise op share one dense layout other than
 * row-major (transposed gradients, permuted images), the dims of `shape` in that memory order,
 * outermost first; else null. The result then takes the same layout, as PyTorch's
 * TensorIterator gives it: a sum of transposed tensors stays transposed, and every later sum
 * of that kind is one flat pass instead of a strided one.
 */
export function denseOrder(operands: readonly Tensor[], shape: Shape): number[] | null {
  if (shape.length < 2) return null;
  let strides: Shape | null = null;
  for (const t of operands) {
    if (!sameShape(t.shape, shape)) continue;
    if (strides === null) strides = t.strides;
    else if (!sameShape(t.strides, strides)) return null;
  }
  // Row-major (strides that never grow) is the default layout: the common case ends here.
  if (strides === null || stridesDescend(strides) || shape.includes(0)) return null;
  const order = dimsByStride(strides);
  const moved = order.filter((d) => shape[d] !== 1);
  if (moved.every((d, k) => k === 0 || d > moved[k - 1])) return null;
  let expected = 1;
  for (let k = order.length - 1; k >= 0; k--) {
    const d = order[k];
    if (shape[d] !== 1 && strides[d] !== expected) return null;
    expected *= shape[d];
  }
  return order;
}

/** A view with its dims taken in `order` (a permutation). */
export function permuteView(v: View, order: readonly number[]): View {
  return { ...v, shape: order.map((d) => v.shape[d]), strides: order.map((d) => v.strides[d]) };
}

/** Strides of `shape` laid out densely in `order` (denseOrder's), outermost first. */
export function orderedStrides(shape: Shape, order: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let k = order.length - 1; k >= 0; k--) {
    strides[order[k]] = s;
    s *= shape[order[k]];
  }
  return strides;
}
