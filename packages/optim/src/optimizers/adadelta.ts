import { type Tensor, ValueError, zerosLike } from '@tensile/tensor';
import type { ParamGroup, Params } from '../optimizer';
import { checkNonNegative, gradOf, withDefaults } from './common';
import { ParamwiseOptimizer } from './paramwise';

export interface AdadeltaOptions {
  lr?: number;
  /** Decay rate of the running averages. */
  rho?: number;
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}

export type AdadeltaGroup = ParamGroup & Required<AdadeltaOptions>;

/** `step` is a plain number here, as in PyTorch 1.13's Adadelta. */
export type AdadeltaState = { step: number; squareAvg: Tensor; accDelta: Tensor };

/** Adadelta (torch.optim.Adadelta). */
export class Adadelta extends ParamwiseOptimizer<AdadeltaGroup, AdadeltaState> {
  constructor(params: Params<AdadeltaOptions>, opts: AdadeltaOptions = {}) {
    const defaults = withDefaults(
      { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
      opts,
    );
    checkNonNegative('Adadelta', 'learning rate', defaults.lr);
    if (!(defaults.rho >= 0 && defaults.rho <= 1))
      throw new ValueError(`Adadelta: Invalid rho value: ${defaults.rho}`);
    checkNonNegative('Adadelta', 'epsilon value', defaults.eps);
    checkNonNegative('Adadelta', 'weight_decay value', defaults.weightDecay);
    super(params, defaults);
  }

  protected initState(p: Tensor): AdadeltaState {
    return { step: 0, squareAvg: zerosLike(p), accDelta: zerosLike(p) };
  }

  protected update(p: Tensor, group: AdadeltaGroup, state: AdadeltaState): void {
    const { lr, rho, eps } = group;
    state.step += 1;
    const grad = gradOf(p, group.maximize, group.weightDecay);
    state.squareAvg.mul_(rho).addcmul_(grad, grad, { value: 1 - rho });
    const std = state.squareAvg.add(eps).sqrt_();
    const delta = state.accDelta.add(eps).sqrt_().div_(std).mul_(grad);
    state.accDelta.mul_(rho).addcmul_(delta, delta, { value: 1 - rho });
    p.add_(delta, { alpha: -lr });
  }
}
