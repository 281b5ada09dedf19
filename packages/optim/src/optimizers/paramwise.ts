import { enableGrad, keep, noGrad, Tensor } from '@tensile/tensor';
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
          this.update(p, group, state);
          // State outlives the scope a training step may run in.
          for (const v of Object.values(state)) if (v instanceof Tensor) keep(v);
        }
      }
    });
    return loss;
  }

  /** A parameter's state before its first step (PyTorch's `if len(state) == 0` block). */
  protected abstract initState(p: Tensor, group: G): S;

  /** One parameter's update, in the op order of PyTorch's single-tensor function. */
  protected abstract update(p: Tensor, group: G, state: S): void;
}
