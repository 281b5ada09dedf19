import {
  DTypeError,
  enableGrad,
  isComplex,
  keep,
  noGrad,
  Tensor,
  viewAsComplex,
  viewAsReal,
} from '@tensile/tensor';
import { type Closure, Optimizer, type ParamGroup } from '../optimizer';

/**
 * An optimizer whose update treats each parameter on its own, as torch 1.13's single-tensor
 * ("for-loop") implementations do: `step` runs the closure with grad enabled, then, under
 * noGrad, `update` for every parameter that has a gradient, with its state (created by
 * `initState` on its first step).
 */
export abstract class ParamwiseOptimizer<G extends ParamGroup, S extends object> extends Optimizer<
  G,
  S
> {
  step<L>(closure?: Closure<L>): L | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          const state = this.stateFor(p, () => this.initState(p, group));
          if (isComplex(p.dtype)) this.updateComplex(p, group, state);
          else this.update(p, group, state);
          // State outlives the scope a training step may run in.
          for (const v of Object.values(state)) if (v instanceof Tensor) keep(v);
        }
      }
    });
    return loss;
  }

  /**
   * Whether a complex parameter steps as its real and imaginary parts (torch.view_as_real), as
   * torch 1.13's SGD, Adam(W), RMSprop, Adagrad, Adadelta and Adamax do; NAdam and RAdam
   * compute in complex arithmetic there, which Tensile has no kernels for, and refuse.
   */
  protected readonly complexAsReal: boolean = true;

  /**
   * The update of a complex parameter on real views of it, its gradient and its complex state
   * (the same memory, so the complex tensors change in place); parameter-shaped state the
   * update makes or replaces (a momentum buffer on its first step) is stored back as complex,
   * as PyTorch keeps it.
   */
  private updateComplex(p: Tensor, group: G, state: S): void {
    if (!this.complexAsReal)
      throw new DTypeError(
        `${this.constructor.name}: complex parameters are not supported (torch 1.13 steps them in complex arithmetic, for which Tensile has no kernels); use Adam, AdamW, SGD, RMSprop, Adagrad, Adadelta or Adamax`,
      );
    const real = viewAsReal(p);
    real.grad = viewAsReal(p.grad!);
    const entries = state as Record<string, unknown>;
    const views: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entries))
      views[k] = v instanceof Tensor && isComplex(v.dtype) ? viewAsReal(v) : v;
    const given = { ...views };
    this.update(real, group, views as S);
    const paramShaped = (t: Tensor) =>
      t.ndim === real.ndim && t.shape.every((s, d) => s === real.shape[d]);
    for (const [k, v] of Object.entries(views)) {
      if (v === given[k]) continue;
      entries[k] = v instanceof Tensor && paramShaped(v) ? viewAsComplex(v.contiguous()) : v;
    }
  }

  /** A parameter's state before its first step (PyTorch's `if len(state) == 0` block). */
  protected abstract initState(p: Tensor, group: G): S;

  /** One parameter's update, in the op order of PyTorch's single-tensor function. */
  protected abstract update(p: Tensor, group: G, state: S): void;
}
