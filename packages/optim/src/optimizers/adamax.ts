import { type Tensor, zeros, zerosLike } from '@tensile/tensor';
import type { ParamGroup, Params } from '../optimizer';
import { type AdamFamilyOptions, checkAdamFamily, gradOf, withDefaults } from './common';
import { ParamwiseOptimizer } from './paramwise';

export interface AdamaxOptions extends AdamFamilyOptions {
  maximize?: boolean;
}

export type AdamaxGroup = ParamGroup & Required<AdamaxOptions>;

export type AdamaxState = { step: Tensor; expAvg: Tensor; expInf: Tensor };

/** Adamax, Adam with the infinity norm (torch.optim.Adamax). */
export class Adamax extends ParamwiseOptimizer<AdamaxGroup, AdamaxState> {
  constructor(params: Params<AdamaxOptions>, opts: AdamaxOptions = {}) {
    const defaults = withDefaults(
      { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false },
      opts,
    );
    checkAdamFamily('Adamax', defaults);
    super(params, defaults);
  }

  protected initState(p: Tensor): AdamaxState {
    return { step: zeros([]), expAvg: zerosLike(p), expInf: zerosLike(p) };
  }

  protected update(p: Tensor, group: AdamaxGroup, state: AdamaxState): void {
    const [beta1, beta2] = group.betas;
    const step = state.step.add_(1).item();
    const grad = gradOf(p, group.maximize, group.weightDecay);
    state.expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
    // PyTorch takes amax over cat([expInf * beta2, |grad| + eps]); the elementwise max is the same.
    const decayed = state.expInf.mul_(beta2);
    state.expInf.copy_(decayed.maximum(grad.abs().add_(group.eps)));
    const clr = group.lr / (1 - beta1 ** step);
    p.addcdiv_(state.expAvg, state.expInf, { value: -clr });
  }
}
