import { type Tensor, ValueError, zerosLike } from '@tensile/tensor';
import { type Closure, Optimizer, type ParamGroup, type Params } from '../optimizer';
import { checkNonNegative, gradOf, withDefaults } from './common';

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
export class Adadelta extends Optimizer<AdadeltaGroup, AdadeltaState> {
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

  step<L>(closure?: Closure<L>): L | undefined {
    return this.runStep(closure, () => {
      for (const group of this.paramGroups) {
        const { lr, rho, eps } = group;
        for (const p of group.params) {
          if (p.grad === null) continue;
          const state = this.stateFor(p, () => ({
            step: 0,
            squareAvg: zerosLike(p),
            accDelta: zerosLike(p),
          }));
          state.step += 1;
          const grad = gradOf(p, group.maximize, group.weightDecay);
          state.squareAvg.mul_(rho).addcmul_(grad, grad, { value: 1 - rho });
          const std = state.squareAvg.add(eps).sqrt_();
          const delta = state.accDelta.add(eps).sqrt_().div_(std).mul_(grad);
          state.accDelta.mul_(rho).addcmul_(delta, delta, { value: 1 - rho });
          p.add_(delta, { alpha: -lr });
        }
      }
    });
  }
}
