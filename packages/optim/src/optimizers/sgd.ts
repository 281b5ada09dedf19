import { fusedSgdStep, type Tensor, ValueError } from '@tensile/tensor';
import type { ParamGroup, Params } from '../optimizer';
import { checkNonNegative, gradOf } from './common';
import { ParamwiseOptimizer } from './paramwise';

export interface SGDOptions {
  /** Required, here or in every parameter group. */
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

export type SGDGroup = ParamGroup & Required<Omit<SGDOptions, 'lr'>>;

/** `momentumBuffer` is null while momentum is 0, as in PyTorch. */
export type SGDState = { momentumBuffer: Tensor | null };

/** Stochastic gradient descent with optional (Nesterov) momentum (torch.optim.SGD). */
export class SGD extends ParamwiseOptimizer<SGDGroup, SGDState> {
  constructor(params: Params<SGDOptions>, opts: SGDOptions = {}) {
    const { lr, momentum = 0, dampening = 0, weightDecay = 0 } = opts;
    if (lr !== undefined) checkNonNegative('SGD', 'learning rate', lr);
    checkNonNegative('SGD', 'momentum value', momentum);
    checkNonNegative('SGD', 'weight_decay value', weightDecay);
    const nesterov = opts.nesterov ?? false;
    if (nesterov && (momentum <= 0 || dampening !== 0))
      throw new ValueError('SGD: Nesterov momentum requires a momentum and zero dampening');
    super(params, {
      lr: lr as number,
      momentum,
      dampening,
      weightDecay,
      nesterov,
      maximize: opts.maximize ?? false,
    });
  }

  protected initState(): SGDState {
    return { momentumBuffer: null };
  }

  protected update(p: Tensor, group: SGDGroup, state: SGDState): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    // One pass where the backend has the kernel (not on the first momentum step, which makes
    // the buffer); the composition below is the same update, op by op.
    if (fusedSgdStep(p, p.grad!, state.momentumBuffer, group)) return;
    let dp = gradOf(p, maximize, weightDecay);
    if (momentum !== 0) {
      let buf = state.momentumBuffer;
      if (buf === null) {
        buf = dp.clone().detach();
        state.momentumBuffer = buf;
      } else {
        buf.mul_(momentum).add_(dp, { alpha: 1 - dampening });
      }
      dp = nesterov ? dp.add(buf, { alpha: momentum }) : buf;
    }
    p.add_(dp, { alpha: -lr });
  }
}
