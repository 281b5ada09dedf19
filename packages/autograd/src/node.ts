import {
  type DType,
  type GradFn,
  isGradEnabled,
  type Shape,
  type Tensor,
  type TensorHook,
} from '@tensile/tensor';
import { AutogradError, FREED_GRAPH } from './errors';

/** Where a gradient goes: slot `slot` of `node` (the output number of the tensor it is for). */
export interface Edge {
  readonly node: Node;
  readonly slot: number;
}

/** What the engine needs to know about a tensor without keeping it alive. */
export interface TensorMeta {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly device: string;
}

export const metaOf = (t: Tensor): TensorMeta => ({
  shape: t.shape,
  dtype: t.dtype,
  device: t.device,
});

/** The engine's slots on a tensor (Tensor.autogradMeta). */
interface Slots {
  /** Which output of its gradFn the tensor is. */
  outputNr: number;
  /** A leaf's gradient sink, made on first use so that tensors that never take part pay nothing. */
  accumulator?: AccumulateGrad;
}

function slots(t: Tensor): Slots {
  let s = t.autogradMeta as Slots | undefined;
  if (s === undefined) {
    s = { outputNr: 0 };
    t.autogradMeta = s;
  }
  return s;
}

/** Makes `t` output `outputNr` of `node`: it now requires grad and is no longer a leaf. */
export function setHistory(t: Tensor, node: Node, outputNr: number): void {
  t.gradFn = node;
  t.requiresGrad = true;
  slots(t).outputNr = outputNr;
}

/** The edge gradients for `t` flow along, or null when `t` does not require grad. */
export function edgeOf(t: Tensor): Edge | null {
  if (!t.requiresGrad) return null;
  const s = slots(t);
  if (t.gradFn !== null) return { node: t.gradFn as Node, slot: s.outputNr };
  s.accumulator ??= new AccumulateGrad(t);
  return { node: s.accumulator, slot: 0 };
}

/**
 * A backward function in the graph (what Tensor.gradFn holds). `next[i]` is where the gradient
 * for input i goes (null: that input needs none); `inputs[i]` its shape and dtype, which the
 * engine makes the gradient match; `outputs` the forward outputs, for zero-filling.
 */
export abstract class Node implements GradFn {
  abstract readonly name: string;
  /** Tensor hooks per output slot, applied to the incoming gradient before the node runs. */
  hooks?: Map<number, Map<number, TensorHook>>;
  /** Non-leaf tensors whose gradient is kept in .grad (retainGrad), per output slot. */
  retained?: Map<number, Tensor>;
  /** Whether apply runs user code (a custom Function), which may keep what it returns. */
  readonly userCode: boolean = false;

  constructor(
    readonly next: readonly (Edge | null)[],
    readonly inputs: readonly (TensorMeta | null)[],
    readonly outputs: readonly TensorMeta[],
  ) {}

  /**
   * Gradients for each input from the gradients of the outputs (one per output, zeros where
   * none arrived, as `arrived` tells). `wanted[i]` says whether input i's gradient is used;
   * others may be null.
   */
  abstract apply(
    grads: readonly Tensor[],
    wanted: readonly boolean[],
    arrived?: readonly boolean[],
  ): (Tensor | null | undefined)[];

  /** Drops what was saved for backward (after a backward pass without retainGraph). */
  release(): void {}

  /** [node, slot] per input, as PyTorch's next_functions. */
  get nextFunctions(): [Node | null, number][] {
    return this.next.map((e) => (e ? [e.node, e.slot] : [null, 0]));
  }
}

const ACCUMULATOR = Symbol.for('@tensile/autograd:AccumulateGrad');

/** Whether `node` is a leaf's sink, made by this copy of the package or another. */
export function isAccumulator(node: Node): node is AccumulateGrad {
  return (node as { [ACCUMULATOR]?: true })[ACCUMULATOR] === true;
}

/** The sink of a leaf: adds the gradient into `variable.grad`. */
export class AccumulateGrad extends Node {
  readonly name = 'AccumulateGrad';
  readonly [ACCUMULATOR] = true;

  constructor(readonly variable: Tensor) {
    super([], [], [metaOf(variable)]);
  }

  apply([g]: readonly Tensor[]): [] {
    accumulateGrad(this.variable, g);
    return [];
  }
}

/**
 * Adds `g` into `t.grad`. The first gradient is cloned (`g` may be a view or be shared with
 * the graph, and users zero .grad in place) unless `own`: the engine knows nothing else holds
 * it. Under createGraph (grad mode on) the sum is out of place and recorded, so .grad stays
 * differentiable.
 */
export function accumulateGrad(t: Tensor, g: Tensor, own = false): void {
  if (t.grad === null) t.grad = own ? g : g.clone();
  else if (isGradEnabled()) t.grad = t.grad.add(g);
  else t.grad.add_(g);
}

/**
 * A tensor kept for backward with the version it had then. Reading it after an in-place write
 * moved the version is an error, never a silently wrong gradient.
 */
class SavedTensor {
  private readonly version: number;

  constructor(
    private readonly tensor: Tensor,
    private readonly role: string,
    private readonly owner: Node,
  ) {
    this.version = tensor.version;
  }

  unpack(): Tensor {
    const t = this.tensor;
    if (t.version !== this.version) {
      throw new AutogradError(
        `one of the variables needed for gradient computation has been modified by an inplace operation: [${t.dtype} [${t.shape.join(', ')}]], which is ${this.role} of ${this.owner.name}, is at version ${t.version}; expected version ${this.version} instead.`,
      );
    }
    return t;
  }
}

/** Saved tensors that a backward pass without retainGraph frees. */
export class SavedTensors {
  private saved: SavedTensor[] | null = [];

  add(t: Tensor, role: string, owner: Node): void {
    this.saved?.push(new SavedTensor(t, role, owner));
  }

  get(i: number): Tensor {
    if (this.saved === null) throw new AutogradError(FREED_GRAPH);
    return this.saved[i].unpack();
  }

  release(): void {
    this.saved = null;
  }
}
