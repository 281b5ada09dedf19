import type { AttrsOf, DifferentiableOp, OpName, Shape, Tensor } from '@tensile/tensor';
import type { TensorMeta } from '../node';

/** What a backward formula can read about the op `K` it differentiates. */
export interface GradContext<K extends OpName = OpName> {
  /** The attributes the op recorded (dims, shapes, flags), typed by the tensor package's op map. */
  readonly attrs: AttrsOf<K>;
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
export interface Formula<K extends OpName = OpName> {
  /** PyTorch's name for the node (MulBackward0), or a function of the attributes and inputs. */
  readonly name: string | ((attrs: AttrsOf<K>, inputs: readonly (TensorMeta | null)[]) => string);
  backward(g: Tensor, ctx: GradContext<K>): (Tensor | null)[];
  /**
   * For an op with several outputs (eigh, svd): input gradients from one gradient per output,
   * zeros where none arrived. `backward` is then never called.
   */
  backwardAll?(grads: readonly Tensor[], ctx: GradContext<K>): (Tensor | null)[];
}

/** One formula per differentiable op: an op the map gains without one is a compile error. */
export type Formulas = { readonly [K in DifferentiableOp]: Formula<K> };

/**
 * A group of formulas (one file's): `satisfies FormulaGroup` types each formula's context by
 * its op, and keeps the group's keys for the completeness check of `Formulas`.
 */
export type FormulaGroup = Partial<Formulas>;
