import { type Tensor, zeros, zerosLike } from '@tensile/tensor';
import { type Closure, Optimizer, type ParamGroup, type Params } from '../optimizer';
import { checkBetas, checkNonNegative, gradOf, withDefaults } from './common';

export interface AdamaxOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}

export type AdamaxGroup = ParamGroup & Required<AdamaxOptions>;

export type AdamaxState = { step: Tensor; expAvg: Tensor; expInf: Tensor };

/** Adamax, Adam with the infinity norm (torch.optim.Adamax). */
export class Adamax extends Optimizer<AdamaxGroup, AdamaxState> {
  constructor(params: Params<AdamaxOptions>, opts: AdamaxOptions = {}) {
    const defaults = withDefaults(
      { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false },
      opts,
    );
    checkNonNegative('Adamax', 'learning rate', defaults.lr);
    checkNonNegative('Adamax', 'epsilon value', defaults.eps);
    checkBetas('Adamax', defaults.betas);
    checkNonNegative('Adamax', 'weight_decay value', defaults.weightDecay);
    super(params, defaults);
  }

  step<L>(closure?: Closure<L>): L | undefined {
    return this.runStep(closure, () => {
      for (const group of this.paramGroups) {
        const [beta1, beta2] = group.betas;
        for (const p of group.params) {
          if (p.grad === null) continue;
          const state = this.stateFor(p, () => ({
            step: zeros([]),
            expAvg: zerosLike(p),
            expInf: zerosLike(p),
          }));
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
    });
  }
}
