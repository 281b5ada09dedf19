/**
 * Batch norm with the batch's statistics (training mode) as one op where the backend has the
 * kernel: two passes each way instead of a dozen composed ops. Its node is
 * NativeBatchNormBackward0, as torch's on the CPU.
 */
import { apply } from '../dispatch';
import type { Tensor } from '../tensor';
import { wrapStorage } from '../tensor-base';

export interface BatchNormResult {
  out: Tensor;
  /** Per channel [C], not recorded: for the running statistics. */
  mean: Tensor;
  /** 1 / sqrt(biased variance + eps) per channel [C], not recorded. */
  invstd: Tensor;
}

const fused = (t: Tensor) => t.dtype === 'float32' || t.dtype === 'float64';

/**
 * Normalizes x [N, C, ...] over every dim but 1 with the batch mean and biased variance, then
 * scales by weight [C] and shifts by bias [C]; null where the backend has no kernel or the
 * operands are not float32/float64 of one dtype on one device (callers compose it then).
 */
export function batchNormTraining(
  x: Tensor,
  weight: Tensor,
  bias: Tensor,
  eps: number,
): BatchNormResult | null {
  const be = x.storage.backend;
  const same = [weight, bias].every(
    (t) => t.dtype === x.dtype && t.storage.backend === be && t.numel() === x.shape[1],
  );
  if (!be.batchNorm || !fused(x) || !same || x.ndim < 2) return null;
  const c = x.shape[1];
  const attrs: { eps: number; mean?: Tensor; invstd?: Tensor } = { eps };
  const out = apply('batchNorm', [x, weight, bias], attrs, () => {
    const [xc, wc, bc] = [x.contiguous(), weight.contiguous(), bias.contiguous()];
    const [o, m, r] = be.batchNorm!(xc, wc, bc, eps);
    attrs.mean = wrapStorage(m, [c]);
    attrs.invstd = wrapStorage(r, [c]);
    return wrapStorage(o, [...x.shape]);
  });
  return { out, mean: attrs.mean as Tensor, invstd: attrs.invstd as Tensor };
}

/**
 * batchNormTraining's gradient, not recorded: [dx, dweight, dbias] from the output gradient,
 * the input and the statistics the forward recorded; null where the backend has no kernel.
 */
export function batchNormBackward(
  grad: Tensor,
  x: Tensor,
  mean: Tensor,
  invstd: Tensor,
  weight: Tensor,
): [Tensor, Tensor, Tensor] | null {
  const be = x.storage.backend;
  if (!be.batchNormBackward || grad.dtype !== x.dtype) return null;
  const views = [grad, x, mean, invstd, weight].map((t) => t.contiguous());
  const [dx, dw, db] = be.batchNormBackward(views[0], views[1], views[2], views[3], views[4]);
  const c = [x.shape[1]];
  return [wrapStorage(dx, [...x.shape]), wrapStorage(dw, c), wrapStorage(db, c)];
}
