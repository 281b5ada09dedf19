import { fusedAdamStep, type Tensor, zeros, zerosLike } from '@tensile/tensor';
import type { ParamGroup, Params } from '../optimizer';
import { type AdamFamilyOptions, checkAdamFamily, gradOf, withDefaults } from './common';
import { ParamwiseOptimizer } from './paramwise';

export interface AdamOptions extends AdamFamilyOptions {
  amsgrad?: boolean;
  maximize?: boolean;
}

export type AdamGroup = ParamGroup & Required<AdamOptions>;

/** `step` is a 0-d float tensor, as in PyTorch; `maxExpAvgSq` exists only with amsgrad. */
export type AdamState = { step: Tensor; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

/** Adam and AdamW, which differ only in how weight decay enters the step. */
abstract class AdamBase extends ParamwiseOptimizer<AdamGroup, AdamState> {
  /** AdamW's decay, applied to the parameter itself instead of added to the gradient. */
  protected abstract readonly decoupledWeightDecay: boolean;

  constructor(name: string, params: Params<AdamOptions>, opts: AdamOptions, weightDecay: number) {
    const defaults = withDefaults(
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, amsgrad: false, maximize: false },
      opts,
    );
    checkAdamFamily(name, defaults);
    super(params, defaults);
  }

  protected initState(p: Tensor, group: AdamGroup): AdamState {
    const state: AdamState = { step: zeros([]), expAvg: zerosLike(p), expAvgSq: zerosLike(p) };
    if (group.amsgrad) state.maxExpAvgSq = zerosLike(p);
    return state;
  }

  protected update(p: Tensor, group: AdamGroup, state: AdamState): void {
    state.step.add_(1);
    const { lr, weightDecay, betas, eps, maximize } = group;
    const decoupled = this.decoupledWeightDecay;
    const decay = decoupled ? 1 - lr * weightDecay : 1;
    const l2 = decoupled ? 0 : weightDecay;
    // One pass where the backend has the kernel; the composition below is the same update.
    const fused = fusedAdamStep(
      p,
      p.grad!,
      state.expAvg,
      state.expAvgSq,
      state.maxExpAvgSq ?? null,
      {
        lr,
        beta1: betas[0],
        beta2: betas[1],
        eps,
        weightDecay: l2,
        decay,
        maximize,
        step: state.step.item(),
      },
    );
    if (fused) return;
    if (decoupled) p.mul_(decay);
    adamUpdate(p, gradOf(p, maximize, l2), state, group);
  }
}

/** Adam (torch.optim.Adam): weightDecay is an L2 penalty added to the gradient. */
export class Adam extends AdamBase {
  protected readonly decoupledWeightDecay = false;

  constructor(params: Params<AdamOptions>, opts: AdamOptions = {}) {
    super('Adam', params, opts, 0);
  }
}

/** Adam with decoupled weight decay (torch.optim.AdamW): params shrink by lr * weightDecay. */
export class AdamW extends AdamBase {
  protected readonly decoupledWeightDecay = true;

  constructor(params: Params<AdamOptions>, opts: AdamOptions = {}) {
    super('AdamW', params, opts, 1e-2);
  }
}

/** The moment updates and the bias-corrected step, in torch 1.13's single-tensor op order. */
function adamUpdate(p: Tensor, grad: Tensor, state: AdamState, group: AdamGroup): void {
  const [beta1, beta2] = group.betas;
  state.expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
  state.expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
  const step = state.step.item();
  const stepSize = group.lr / (1 - beta1 ** step);
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  let avgSq = state.expAvgSq;
  if (group.amsgrad) {
    const max = state.maxExpAvgSq!;
    max.copy_(max.maximum(avgSq));
    avgSq = max;
  }
  const denom = avgSq.sqrt().div(biasCorrection2Sqrt).add_(group.eps);
  p.addcdiv_(state.expAvg, denom, { value: -stepSize });
}
