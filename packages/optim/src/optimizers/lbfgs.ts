import { cat, enableGrad, isTensor, noGrad, type Tensor, ValueError, zeros } from '@tensile/tensor';
import { OptimizerError } from '../errors';
import {
  type Closure,
  Optimizer,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
} from '../optimizer';
import { withDefaults } from './common';
import { strongWolfe } from './strong-wolfe';

export interface LBFGSOptions {
  lr?: number;
  /** Iterations per `step` call. */
  maxIter?: number;
  /** Loss evaluations per `step` call (default maxIter * 5 / 4). */
  maxEval?: number;
  /** Stop when every gradient element is at most this in magnitude. */
  toleranceGrad?: number;
  /** Stop when the loss or the step changes by less than this. */
  toleranceChange?: number;
  historySize?: number;
  lineSearchFn?: 'strongWolfe' | null;
}

export type LBFGSGroup = ParamGroup & Required<LBFGSOptions>;

/**
 * Kept on the first parameter, as in PyTorch: the search direction `d`, step `t`, the curvature
 * history (`oldDirs`, `oldStps`, `ro`) and the previous gradient and loss.
 */
export type LBFGSState = {
  funcEvals: number;
  nIter: number;
  d?: Tensor;
  t?: number;
  oldDirs?: Tensor[];
  oldStps?: Tensor[];
  ro?: number[];
  HDiag?: number;
  prevFlatGrad?: Tensor;
  prevLoss?: number;
  al?: Array<number | null>;
};

/**
 * L-BFGS (torch.optim.LBFGS, after minFunc). One `step(closure)` runs up to `maxIter` iterations;
 * the closure must zero the gradients, compute the loss, call backward and return the loss.
 * Supports one parameter group only.
 */
export class LBFGS extends Optimizer<LBFGSGroup, LBFGSState> {
  constructor(params: Params<LBFGSOptions>, opts: LBFGSOptions = {}) {
    const maxIter = opts.maxIter ?? 20;
    const defaults = withDefaults(
      {
        lr: 1,
        maxIter,
        maxEval: Math.floor((maxIter * 5) / 4),
        toleranceGrad: 1e-7,
        toleranceChange: 1e-9,
        historySize: 100,
        lineSearchFn: null as 'strongWolfe' | null,
      },
      opts,
    );
    super(params, defaults);
  }

  override addParamGroup(group: ParamGroupInput): void {
    if (this.paramGroups.length > 0)
      throw new ValueError("LBFGS: LBFGS doesn't support per-parameter options (parameter groups)");
    super.addParamGroup(group);
  }

  step<L>(closure?: Closure<L>): L | undefined {
    if (closure === undefined)
      throw new ValueError('LBFGS.step: a closure that reevaluates the model is required');
    return noGrad(() => this.iterate(closure));
  }

  private get params(): Tensor[] {
    return this.paramGroups[0].params;
  }

  /** torch.optim.LBFGS.step's body; scalars that PyTorch keeps as 0-d tensors are rounded alike. */
  private iterate<L>(closure: Closure<L>): L {
    const group = this.paramGroups[0];
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } =
      group;
    const round = this.params[0].dtype === 'float32' ? Math.fround : (v: number) => v;
    const evaluate = () => lossValue(enableGrad(closure));
    const state = this.stateFor(this.params[0], () => ({ funcEvals: 0, nIter: 0 }));

    const origLoss = enableGrad(closure);
    let loss = lossValue(origLoss);
    let currentEvals = 1;
    state.funcEvals += 1;
    let flatGrad = this.gatherFlatGrad();
    if (flatGrad.abs().max().item() <= toleranceGrad) return origLoss;

    let { d, t, oldDirs, oldStps, ro, HDiag, prevFlatGrad, prevLoss } = state;
    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      state.nIter += 1;
      if (state.nIter === 1) {
        d = flatGrad.neg();
        oldDirs = [];
        oldStps = [];
        ro = [];
        HDiag = 1;
      } else {
        // Update the curvature history with the last step, then apply the two-loop recursion.
        const y = flatGrad.sub(prevFlatGrad!);
        const s = d!.mul(t!);
        const ys = y.dot(s).item();
        if (ys > 1e-10) {
          if (oldDirs!.length === historySize) {
            oldDirs!.shift();
            oldStps!.shift();
            ro!.shift();
          }
          oldDirs!.push(y);
          oldStps!.push(s);
          ro!.push(round(1 / ys));
          HDiag = round(ys / y.dot(y).item());
        }
        const numOld = oldDirs!.length;
        state.al ??= new Array(historySize).fill(null);
        const al = state.al as number[];
        const q = flatGrad.neg();
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = round(oldStps![i].dot(q).item() * ro![i]);
          q.add_(oldDirs![i], { alpha: -al[i] });
        }
        const r = q.mul(HDiag!);
        d = r;
        for (let i = 0; i < numOld; i++) {
          const beI = round(oldDirs![i].dot(r).item() * ro![i]);
          r.add_(oldStps![i], { alpha: round(al[i] - beI) });
        }
      }
      if (prevFlatGrad === undefined) prevFlatGrad = flatGrad.clone();
      else prevFlatGrad.copy_(flatGrad);
      prevLoss = loss;
      // The first step is scaled down by the gradient's l1 norm.
      if (state.nIter === 1) {
        const inverseL1 = round(1 / flatGrad.abs().sum().item());
        t = inverseL1 < 1 ? round(inverseL1 * round(lr)) : lr;
      } else {
        t = lr;
      }
      const gtd = flatGrad.dot(d!).item();
      if (gtd > -toleranceChange) break;

      let lsFuncEvals = 0;
      let optCond = false;
      if (lineSearchFn !== null) {
        if (lineSearchFn !== 'strongWolfe')
          throw new OptimizerError(
            `LBFGS: only 'strongWolfe' is supported (got '${lineSearchFn}')`,
          );
        const xInit = this.params.map((p) => p.clone());
        const result = strongWolfe(
          (x, step, dir) => this.directionalEvaluate(evaluate, x, step, dir),
          xInit,
          t,
          d!,
          loss,
          flatGrad,
          gtd,
        );
        ({ loss, flatGrad, t } = result);
        lsFuncEvals = result.funcEvals;
        this.addGrad(t, d!);
        optCond = flatGrad.abs().max().item() <= toleranceGrad;
      } else {
        this.addGrad(t, d!);
        if (nIter !== maxIter) {
          loss = evaluate();
          flatGrad = this.gatherFlatGrad();
          optCond = flatGrad.abs().max().item() <= toleranceGrad;
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.funcEvals += lsFuncEvals;
      if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
      if (d!.mul(t).abs().max().item() <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    Object.assign(state, { d, t, oldDirs, oldStps, ro, HDiag, prevFlatGrad, prevLoss });
    return origLoss;
  }

  private gatherFlatGrad(): Tensor {
    return cat(
      this.params.map((p) =>
        p.grad === null ? zeros([p.numel()], { dtype: p.dtype }) : p.grad.reshape(-1),
      ),
      0,
    );
  }

  private addGrad(stepSize: number, update: Tensor): void {
    let offset = 0;
    for (const p of this.params) {
      const numel = p.numel();
      p.add_(update.slice(0, offset, offset + numel).view(p.shape), { alpha: stepSize });
      offset += numel;
    }
  }

  private directionalEvaluate(
    evaluate: () => number,
    x: Tensor[],
    t: number,
    d: Tensor,
  ): [number, Tensor] {
    this.addGrad(t, d);
    const loss = evaluate();
    const flatGrad = this.gatherFlatGrad();
    this.params.forEach((p, i) => {
      p.copy_(x[i]);
    });
    return [loss, flatGrad];
  }
}

function lossValue(loss: unknown): number {
  return isTensor(loss) ? loss.item() : Number(loss);
}
