/**
 * Building the graph: a node per recorded op, and the rewiring in-place ops need (the written
 * tensor, or the base of the written view, takes over the new history).
 */
import {
  isDifferentiableType,
  type OpAttrs,
  type OpName,
  type Shape,
  type Tensor,
  zerosLike,
} from '@tensile/tensor';
import { AutogradError } from './errors';
import { formulaFor } from './grads';
import type { Formula, GradContext } from './grads/formula';
import { indexTensor, positions } from './grads/util';
import { edgeOf, metaOf, Node, SavedTensors, setHistory } from './node';

/** The node of one recorded op: its formula, attributes, and the tensors it may read. */
class OpNode extends Node implements GradContext {
  readonly name: string;
  private readonly saved = new SavedTensors();
  private wanted: readonly boolean[] = [];
  private came: readonly boolean[] = [];

  constructor(
    private readonly formula: Formula,
    inputs: readonly Tensor[],
    outputs: readonly Tensor[],
    readonly attrs: OpAttrs,
  ) {
    super(inputs.map(edgeOf), inputs.map(metaOf), outputs.map(metaOf));
    // An op standing in for another (t as a permute, stack as a cat) carries PyTorch's name.
    this.name =
      typeof attrs.gradName === 'string'
        ? attrs.gradName
        : typeof formula.name === 'string'
          ? formula.name
          : formula.name(attrs, this.inputs);
    // Kept by reference; the version check makes an in-place change to any of them an error
    // only if the formula actually reads it (as PyTorch saves only what a formula needs).
    inputs.forEach((t, i) => {
      this.saved.add(t, `input ${i}`, this);
    });
    outputs.forEach((t, i) => {
      this.saved.add(t, `output ${i}`, this);
    });
  }

  input(i: number): Tensor {
    return this.saved.get(i);
  }
  output(i = 0): Tensor {
    return this.saved.get(this.inputs.length + i);
  }
  inputShape(i: number): Shape {
    return this.inputs[i]!.shape;
  }
  needs(i: number): boolean {
    return this.wanted[i] ?? false;
  }
  arrived(i: number): boolean {
    return this.came[i] ?? true;
  }

  apply(
    grads: readonly Tensor[],
    wanted: readonly boolean[],
    arrived: readonly boolean[] = [],
  ): (Tensor | null)[] {
    this.wanted = wanted;
    this.came = arrived;
    const f = this.formula;
    return f.backwardAll ? f.backwardAll(grads, this) : f.backward(grads[0], this);
  }

  override release(): void {
    this.saved.release();
  }
}

/** AutogradHooks.record: gives the op's output its node (integer and bool outputs get none). */
export function record(
  op: OpName,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  attrs: OpAttrs,
): void {
  if (!outputs.some((o) => isDifferentiableType(o.dtype))) return;
  const formula = formulaFor(op);
  if (outputs.length !== 1 && !formula.backwardAll) {
    throw new AutogradError(
      `autograd: '${op}' recorded ${outputs.length} outputs; its formula takes one`,
    );
  }
  const node = new OpNode(formula, inputs, outputs, attrs);
  outputs.forEach((o, i) => {
    if (isDifferentiableType(o.dtype)) setHistory(o, node, i);
  });
}

/**
 * An in-place write to a tensor that is not a view: its new value is `source`'s (the gradient
 * passes through, summed to source's shape when the write broadcast it) or a constant (what was
 * overwritten gets a zero gradient, as in PyTorch).
 */
class Overwrite extends Node {
  readonly name = 'CopyBackwards';

  constructor(
    source: Tensor,
    target: Tensor,
    private readonly passes: boolean,
  ) {
    super([edgeOf(source)], [metaOf(source)], [metaOf(target)]);
  }

  apply([g]: readonly Tensor[]): Tensor[] {
    return [this.passes ? g : zerosLike(g)];
  }
}

/**
 * An in-place write through a view: the base's new value is its old value outside the view's
 * elements and `result` inside them. `region` holds the base-flat index of each view element.
 */
class CopySlices extends Node {
  readonly name = 'CopySlices';
  private readonly region: Tensor;
  private readonly viewShape: Shape;

  constructor(base: Tensor, view: Tensor, result: Tensor) {
    super([edgeOf(base), edgeOf(result)], [metaOf(base), metaOf(result)], [metaOf(base)]);
    const flatIndex = new Map(
      positions(base.shape, base.strides, base.offset).map((p, i) => [p, i]),
    );
    const inView = positions(view.shape, view.strides, view.offset);
    this.region = indexTensor(
      inView.map((p) => flatIndex.get(p)!),
      base.device,
    );
    this.viewShape = view.shape;
  }

  apply([g]: readonly Tensor[], wanted: readonly boolean[]): (Tensor | null)[] {
    const flat = g.reshape([-1]);
    return [
      wanted[0] ? flat.scatter(0, this.region, 0).reshape(g.shape) : null,
      wanted[1] ? flat.indexSelect(0, this.region).reshape(this.viewShape) : null,
    ];
  }
}

/** `target` now holds `result`'s value: it shares result's node when it can, else copies from it. */
function takeHistory(target: Tensor, result: Tensor): void {
  const edge = edgeOf(result)!;
  const same =
    result.gradFn !== null &&
    result.dtype === target.dtype &&
    result.shape.length === target.shape.length &&
    result.shape.every((s, i) => s === target.shape[i]);
  if (same) setHistory(target, edge.node, edge.slot);
  else setHistory(target, new Overwrite(result, target, true), 0);
}

/**
 * AutogradHooks.rebaseInplace (grad mode on). A view of a leaf that requires grad, when the view
 * itself does not (detach() of a parameter), is not differentiable: only the view is rewired.
 */
export function rebaseInplace(target: Tensor, result: Tensor): void {
  const base = target.base;
  if (base === null || (base.isLeaf && base.requiresGrad && !target.requiresGrad)) {
    if (result.requiresGrad) takeHistory(target, result);
    else if (target.requiresGrad) setHistory(target, new Overwrite(target, target, false), 0);
    return;
  }
  if (!result.requiresGrad && !base.requiresGrad) return;
  if (base.isLeaf && base.requiresGrad) {
    throw new AutogradError(
      'a view of a leaf Variable that requires grad is being used in an in-place operation.',
    );
  }
  // CopySlices lays the view's gradient back by storage position, which a view reading the
  // base's memory as another dtype (viewAsReal, viewAsComplex, real, imag) does not share.
  if (target.dtype !== base.dtype)
    throw new AutogradError(
      `an in-place write through a ${target.dtype} view of a ${base.dtype} tensor (viewAsReal, viewAsComplex, real, imag) is not differentiable in Tensile; write out of place, e.g. complex(re, im)`,
    );
  setHistory(base, new CopySlices(base, target, result), 0);
  // The view is now a window on the base's new history.
  record('asStrided', [base], [target], {
    inputShape: base.shape,
    inputStrides: base.strides,
    inputOffset: base.offset,
    size: target.shape,
    stride: target.strides,
    storageOffset: target.offset,
  });
}
