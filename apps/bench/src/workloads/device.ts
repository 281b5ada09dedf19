import { scope, type Tensor } from '@tensile/tensor';

/**
 * The value of a tensor's first element. Reading it back is what finishes a device's
 * asynchronous work (the gpu backend's shaders run in order, so the read waits for every kernel
 * before it), and reading one element keeps a full read-back out of the timing.
 */
export const first = (t: Tensor): number => t.reshape([-1]).slice(0, 0, 1).item();

/**
 * One timed unit of work, in a scope that disposes its tensors when it ends (hence it returns
 * numbers only), as Tensile's training loops do: the garbage collector never frees inside a
 * synchronous loop, so gpu textures would pile up, and on the cpu the disposed arrays are
 * recycled instead of freshly allocated (page faults) on the next step.
 */
export const unit =
  (fn: () => number): (() => number) =>
  () =>
    scope(fn);
