/**
 * Fused optimizer updates (PyTorch's torch._fused_sgd_ in spirit): one pass over a parameter
 * where the optimizer's composition of in-place ops takes four, on backends that have the
 * kernel. Each returns false, having changed nothing, where the backend declines; the
 * optimizer then runs its composition, which gives the same values.
 */
import type { AdamStepOptions, SgdStepOptions } from '../backend';
import { isGradEnabled } from '../dispatch';
import { sameShape } from '../shape';
import type { Tensor } from '../tensor';

export type { AdamStepOptions, SgdStepOptions };

/**
 * Whether the tensors can be updated in place by one kernel: same backend, dtype and shape,
 * each in a storage of its own.
 */
function fusable(param: Tensor, others: readonly Tensor[]): boolean {
  const all = [param, ...others];
  if (isGradEnabled() && all.some((t) => t.requiresGrad)) return false;
  if (new Set(all.map((t) => t.storage)).size !== all.length) return false;
  return others.every(
    (t) =>
      t.storage.backend === param.storage.backend &&
      t.dtype === param.dtype &&
      sameShape(t.shape, param.shape),
  );
}

/**
 * One step of torch.optim.SGD's single-tensor update on `param`, in place, the momentum buffer
 * updated too. The buffer is null exactly when momentum is 0; on the first momentum step, which
 * makes the buffer, there is none yet, so this declines and the optimizer composes that step.
 */
export function fusedSgdStep(
  param: Tensor,
  grad: Tensor,
  momentumBuffer: Tensor | null,
  opts: SgdStepOptions,
): boolean {
  const be = param.storage.backend;
  const buf = momentumBuffer;
  if (!be.sgdStep || (opts.momentum !== 0) !== (buf !== null)) return false;
  if (!fusable(param, buf ? [grad, buf] : [grad])) return false;
  if (!be.sgdStep(param, grad, buf, opts)) return false;
  param.storage.version++;
  if (buf) buf.storage.version++;
  return true;
}

/** One step of torch.optim.Adam's (AdamW's) single-tensor update, in place; amsgrad with maxExpAvgSq. */
export function fusedAdamStep(
  param: Tensor,
  grad: Tensor,
  expAvg: Tensor,
  expAvgSq: Tensor,
  maxExpAvgSq: Tensor | null,
  opts: AdamStepOptions,
): boolean {
  const be = param.storage.backend;
  const state = maxExpAvgSq ? [expAvg, expAvgSq, maxExpAvgSq] : [expAvg, expAvgSq];
  if (!be.adamStep || !fusable(param, [grad, ...state])) return false;
  if (!be.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, opts)) return false;
  for (const t of [param, ...state]) t.storage.version++;
  return true;
}
