import { type Tensor, zerosLike } from '@tensile/tensor';
import type { ParamGroup, Params } from '../optimizer';
import { checkNonNegative, gradOf, withDefaults } from './common';
import { ParamwiseOptimizer } from './paramwise';

export interface RMSpropOptions {
  lr?: number;
  /** Smoothing constant of the squared-gradient average. */
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  /** Normalize by the estimated variance of the gradient instead of its second moment. */
  centered?: boolean;
  maximize?: boolean;
}

export type RMSpropGroup = ParamGroup & Required<RMSpropOptions>;

/** `step` is a plain number here, as in PyTorch 1.13's RMSprop. */
export type RMSpropState = {
  step: number;
  squareAvg: Tensor;
  momentumBuffer?: Tensor;
  gradAvg?: Tensor;
};

/** RMSprop (torch.optim.RMSprop). */
export class RMSprop extends ParamwiseOptimizer<RMSpropGroup, RMSpropState> {
  constructor(params: Params<RMSpropOptions>, opts: RMSpropOptions = {}) {
    const defaults = withDefaults(
      {
        lr: 1e-2,
        alpha: 0.99,
        eps: 1e-8,
        weightDecay: 0,
        momentum: 0,
        centered: false,
        maximize: false,
      },
      opts,
    );
    checkNonNegative('RMSprop', 'learning rate', defaults.lr);
    checkNonNegative('RMSprop', 'epsilon value', defaults.eps);
    checkNonNegative('RMSprop', 'momentum value', defaults.momentum);
    checkNonNegative('RMSprop', 'weight_decay value', defaults.weightDecay);
    checkNonNegative('RMSprop', 'alpha value', defaults.alpha);
    super(params, defaults);
  }

  protected initState(p: Tensor, group: RMSpropGroup): RMSpropState {
    const state: RMSpropState = { step: 0, squareAvg: zerosLike(p) };
    if (group.momentum > 0) state.momentumBuffer = zerosLike(p);
    if (group.centered) state.gradAvg = zerosLike(p);
    return state;
  }

  protected update(p: Tensor, group: RMSpropGroup, state: RMSpropState): void {
    const { lr, alpha, eps, momentum, centered } = group;
    state.step += 1;
    const grad = gradOf(p, group.maximize, group.weightDecay);
    state.squareAvg.mul_(alpha).addcmul_(grad, grad, { value: 1 - alpha });
    let avg: Tensor;
    if (centered) {
      const gradAvg = state.gradAvg!.mul_(alpha).add_(grad, { alpha: 1 - alpha });
      avg = state.squareAvg.clone().addcmul_(gradAvg, gradAvg, { value: -1 }).sqrt_();
    } else {
      avg = state.squareAvg.sqrt();
    }
    avg.add_(eps);
    if (momentum > 0) {
      const buf = state.momentumBuffer!.mul_(momentum).addcdiv_(grad, avg);
      p.add_(buf, { alpha: -lr });
    } else {
      p.addcdiv_(grad, avg, { value: -lr });
    }
  }
}
