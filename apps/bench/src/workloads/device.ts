import { scope, type Tensor } from '@tensile/tensor';

/**
 * The value of a tensor's first element. Reading it back is what finishes a device's
 * asynchronous work (the gpu backend's shaders run in order, so the read waits for every kernel
 * before it), and reading one element keeps a full read-back out of the timing.
 */
export const first = (t: Tensor): number => t.reshape([-1]).slice(0, 0, 1).item();

/**
 * One timed unit of work on `device`. On the gpu its tensors are textures that the garbage
 * collector never frees inside a synchronous loop, so the unit runs in a scope that frees them
 * when it ends (hence it returns numbers only); on the cpu it runs bare, as a PyTorch user's
 * loop does.
 */
export const unitOn = (device: string, fn: () => number): (() => number) =>
  device === 'cpu' ? fn : () => scope(fn);
