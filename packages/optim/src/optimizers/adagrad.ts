import { fullLike, type Tensor, zeros } from '@tensile/tensor';
import type { ParamGroup, Params } from '../optimizer';
import { checkNonNegative, gradOf, withDefaults } from './common';
import { ParamwiseOptimizer } from './paramwise';

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
}

export type AdagradGroup = ParamGroup & Required<AdagradOptions>;

export type AdagradState = { step: Tensor; sum: Tensor };

/** Adagrad (torch.optim.Adagrad): the state of every parameter is created at construction. */
export class Adagrad extends ParamwiseOptimizer<AdagradGroup, AdagradState> {
  constructor(params: Params<AdagradOptions>, opts: AdagradOptions = {}) {
    const defaults = withDefaults(
      {
        lr: 1e-2,
        lrDecay: 0,
        weightDecay: 0,
        initialAccumulatorValue: 0,
        eps: 1e-10,
        maximize: false,
      },
      opts,
    );
    checkNonNegative('Adagrad', 'learning rate', defaults.lr);
    checkNonNegative('Adagrad', 'lr_decay value', defaults.lrDecay);
    checkNonNegative('Adagrad', 'weight_decay value', defaults.weightDecay);
    checkNonNegative(
      'Adagrad',
      'initial_accumulator_value value',
      defaults.initialAccumulatorValue,
    );
    checkNonNegative('Adagrad', 'epsilon value', defaults.eps);
    super(params, defaults);
    for (const group of this.paramGroups)
      for (const p of group.params) this.stateFor(p, () => this.initState(p, group));
  }

  protected initState(p: Tensor, group: AdagradGroup): AdagradState {
    return { step: zeros([]), sum: fullLike(p, group.initialAccumulatorValue) };
  }

  protected update(p: Tensor, group: AdagradGroup, state: AdagradState): void {
    const step = state.step.add_(1).item();
    const grad = gradOf(p, group.maximize, group.weightDecay);
    const clr = group.lr / (1 + (step - 1) * group.lrDecay);
    state.sum.addcmul_(grad, grad, { value: 1 });
    const std = state.sum.sqrt().add_(group.eps);
    p.addcdiv_(grad, std, { value: -clr });
  }
}
