import type { OpAttrs, Shape, Tensor } from '@tensile/tensor';
import type { TensorMeta } from '../node';

/** What a backward formula can read about the op it differentiates. */
export interface GradContext {
  /** The attributes the op recorded (dims, shapes, flags). */
  readonly attrs: OpAttrs;
  /** Input i as it was when the op ran (an error if it was since modified in place). */
  input(i: number): Tensor;
  /** The op's output (output `i` of an op with several), likewise checked. */
  output(i?: number): Tensor;
  inputShape(i: number): Shape;
  /** Whether input i's gradient is used; formulas skip the work for the others. */
  needs(i: number): boolean;
  /** Whether a gradient reached output i (PyTorch's grad.defined()); else it is zeros. */
  arrived(i: number): boolean;
}

/**
 * The derivative of one recorded op: input gradients (null for inputs without one) from the
 * output gradient `g`. Written with tensor ops, so under createGraph they are recorded too and
 * higher derivatives come for free. Gradients may keep the broadcast shape of the output: the
 * engine sums them down to each input's shape and casts them to its dtype.
 */
export interface Formula {
  /** PyTorch's name for the node (MulBackward0), or a function of the attributes and inputs. */
  readonly name: string | ((attrs: OpAttrs, inputs: readonly (TensorMeta | null)[]) => string);
  backward(g: Tensor, ctx: GradContext): (Tensor | null)[];
  /**
   * For an op with several outputs (eigh, svd): input gradients from one gradient per output,
   * zeros where none arrived. `backward` is then never called.
   */
  backwardAll?(grads: readonly Tensor[], ctx: GradContext): (Tensor | null)[];
}

/** Typed access to a recorded attribute (the tensor package decides what each op records). */
export function attr<T>(ctx: GradContext, key: string): T {
  return ctx.attrs[key] as T;
}
