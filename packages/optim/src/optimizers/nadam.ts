import { type Tensor, zeros, zerosLike } from '@tensile/tensor';
import type { ParamGroup, Params } from '../optimizer';
import {
  type AdamFamilyOptions,
  checkAdamFamily,
  checkNonNegative,
  gradOf,
  withDefaults,
} from './common';
import { ParamwiseOptimizer } from './paramwise';

export interface NAdamOptions extends AdamFamilyOptions {
  momentumDecay?: number;
}

export type NAdamGroup = ParamGroup & Required<NAdamOptions>;

/** `muProduct` is a 0-d tensor (float32 by default), as in PyTorch, so its rounding matches. */
export type NAdamState = { step: Tensor; muProduct: Tensor; expAvg: Tensor; expAvgSq: Tensor };

/** Adam with Nesterov momentum (torch.optim.NAdam). */
export class NAdam extends ParamwiseOptimizer<NAdamGroup, NAdamState> {
  protected override readonly complexAsReal = false;
  constructor(params: Params<NAdamOptions>, opts: NAdamOptions = {}) {
    const defaults = withDefaults(
      { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3 },
      opts,
    );
    checkAdamFamily('NAdam', defaults);
    checkNonNegative('NAdam', 'momentum_decay value', defaults.momentumDecay);
    super(params, defaults);
  }

  protected initState(p: Tensor): NAdamState {
    return {
      step: zeros([]),
      muProduct: zeros([]).add_(1),
      expAvg: zerosLike(p),
      expAvgSq: zerosLike(p),
    };
  }

  protected update(p: Tensor, group: NAdamGroup, state: NAdamState): void {
    const { lr, eps, momentumDecay } = group;
    const [beta1, beta2] = group.betas;
    const step = state.step.add_(1).item();
    const biasCorrection2 = 1 - beta2 ** step;
    const grad = gradOf(p, false, group.weightDecay);
    const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
    const muProduct = state.muProduct.mul_(mu).item();
    const muProductNext = state.muProduct.mul(mu).mul(muNext).item();
    state.expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
    state.expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
    const denom = state.expAvgSq.div(biasCorrection2).sqrt().add_(eps);
    p.addcdiv_(grad, denom, { value: (-lr * (1 - mu)) / (1 - muProduct) });
    p.addcdiv_(state.expAvg, denom, { value: (-lr * muNext) / (1 - muProductNext) });
  }
}
