import { div, type Tensor, zeros, zerosLike } from '@tensile/tensor';
import type { ParamGroup, Params } from '../optimizer';
import { type AdamFamilyOptions, checkAdamFamily, gradOf, withDefaults } from './common';
import { ParamwiseOptimizer } from './paramwise';

export type RAdamOptions = AdamFamilyOptions;

export type RAdamGroup = ParamGroup & Required<RAdamOptions>;

export type RAdamState = { step: Tensor; expAvg: Tensor; expAvgSq: Tensor };

/** Rectified Adam (torch.optim.RAdam): plain momentum steps until the variance estimate is usable. */
export class RAdam extends ParamwiseOptimizer<RAdamGroup, RAdamState> {
  protected override readonly complexAsReal = false;
  constructor(params: Params<RAdamOptions>, opts: RAdamOptions = {}) {
    const defaults = withDefaults(
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 },
      opts,
    );
    checkAdamFamily('RAdam', defaults);
    super(params, defaults);
  }

  protected initState(p: Tensor): RAdamState {
    return { step: zeros([]), expAvg: zerosLike(p), expAvgSq: zerosLike(p) };
  }

  protected update(p: Tensor, group: RAdamGroup, state: RAdamState): void {
    const { lr, eps } = group;
    const [beta1, beta2] = group.betas;
    const step = state.step.add_(1).item();
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2 = 1 - beta2 ** step;
    const grad = gradOf(p, false, group.weightDecay);
    state.expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
    state.expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
    const biasCorrectedExpAvg = state.expAvg.div(biasCorrection1);
    // Length of the approximated simple moving average, and its limit.
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
    if (rhoT > 5) {
      const rect = Math.sqrt(
        ((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT),
      );
      const adaptiveLr = div(Math.sqrt(biasCorrection2), state.expAvgSq.sqrt().add_(eps));
      p.add_(biasCorrectedExpAvg.mul(lr).mul(adaptiveLr).mul(rect), { alpha: -1 });
    } else {
      p.add_(biasCorrectedExpAvg.mul(lr), { alpha: -1 });
    }
  }
}
