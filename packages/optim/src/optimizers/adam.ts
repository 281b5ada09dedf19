import { type Tensor, zeros, zerosLike } from '@tensile/tensor';
import { type Closure, Optimizer, type ParamGroup, type Params } from '../optimizer';
import { checkBetas, checkNonNegative, gradOf, withDefaults } from './common';

export interface AdamOptions {
  lr?: number;
  /** (beta1, beta2): decay rates of the first and second moment averages. */
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

export type AdamGroup = ParamGroup & Required<AdamOptions>;

/** `step` is a 0-d float tensor, as in PyTorch; `maxExpAvgSq` exists only with amsgrad. */
export type AdamState = { step: Tensor; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

/** Adam (torch.optim.Adam): weightDecay is an L2 penalty added to the gradient. */
export class Adam extends Optimizer<AdamGroup, AdamState> {
  constructor(params: Params<AdamOptions>, opts: AdamOptions = {}) {
    super(params, adamDefaults('Adam', opts, 0));
  }

  step<L>(closure?: Closure<L>): L | undefined {
    return this.runStep(closure, () => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          const state = this.stateFor(p, () => initAdamState(p, group.amsgrad));
          state.step.add_(1);
          adamUpdate(p, gradOf(p, group.maximize, group.weightDecay), state, group);
        }
      }
    });
  }
}

/** Adam with decoupled weight decay (torch.optim.AdamW): params shrink by lr * weightDecay. */
export class AdamW extends Optimizer<AdamGroup, AdamState> {
  constructor(params: Params<AdamOptions>, opts: AdamOptions = {}) {
    super(params, adamDefaults('AdamW', opts, 1e-2));
  }

  step<L>(closure?: Closure<L>): L | undefined {
    return this.runStep(closure, () => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          const state = this.stateFor(p, () => initAdamState(p, group.amsgrad));
          state.step.add_(1);
          p.mul_(1 - group.lr * group.weightDecay);
          adamUpdate(p, gradOf(p, group.maximize, 0), state, group);
        }
      }
    });
  }
}

function adamDefaults(name: string, opts: AdamOptions, weightDecay: number): Required<AdamOptions> {
  const defaults = withDefaults(
    { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, amsgrad: false, maximize: false },
    opts,
  );
  checkNonNegative(name, 'learning rate', defaults.lr);
  checkNonNegative(name, 'epsilon value', defaults.eps);
  checkBetas(name, defaults.betas);
  checkNonNegative(name, 'weight_decay value', defaults.weightDecay);
  return defaults;
}

function initAdamState(p: Tensor, amsgrad: boolean): AdamState {
  const state: AdamState = { step: zeros([]), expAvg: zerosLike(p), expAvgSq: zerosLike(p) };
  if (amsgrad) state.maxExpAvgSq = zerosLike(p);
  return state;
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
