/**
 * Custom differentiable functions (torch.autograd.Function): a forward computed without
 * recording, and a user-written backward that becomes one node of the graph.
 */
import { isFloating, isGradEnabled, noGrad, Tensor } from '@tensile/tensor';
import { AutogradError } from './errors';
import { edgeOf, metaOf, Node, SavedTensors, setHistory } from './node';

/**
 * What forward leaves for backward. Like PyTorch's ctx it also carries any other value a
 * function stores on it (`ctx.scale = 2`).
 */
export class FunctionCtx {
  [key: string]: unknown;
  /** Per forward argument: whether it is a tensor that requires grad. */
  readonly needsInputGrad: readonly boolean[];
  private toSave: (Tensor | null)[] = [];
  private saved: SavedTensors | null = null;
  private readonly nonDifferentiable = new Set<Tensor>();

  constructor(args: readonly unknown[]) {
    this.needsInputGrad = args.map((a) => a instanceof Tensor && a.requiresGrad);
  }

  /** Keeps tensors (inputs or outputs) for backward; in-place changes to them are detected. */
  saveForBackward(...tensors: (Tensor | null)[]): void {
    this.toSave = tensors;
  }

  /** The tensors given to saveForBackward (an error after the graph was freed or they changed). */
  get savedTensors(): (Tensor | null)[] {
    if (this.saved === null) return this.toSave;
    const saved = this.saved;
    let k = 0;
    return this.toSave.map((t) => (t === null ? null : saved.get(k++)));
  }

  /** Outputs that carry no gradient (indices, masks): they do not require grad. */
  markNonDifferentiable(...tensors: Tensor[]): void {
    for (const t of tensors) this.nonDifferentiable.add(t);
  }

  isNonDifferentiable(t: Tensor): boolean {
    return this.nonDifferentiable.has(t);
  }

  /** Ties the saved tensors to the function's node, which names them in version errors. */
  bind(node: Node): void {
    const saved = new SavedTensors();
    this.toSave.forEach((t, i) => {
      if (t !== null) saved.add(t, `saved tensor ${i}`, node);
    });
    this.saved = saved;
  }

  release(): void {
    this.saved?.release();
  }
}

type Grads = Tensor | null | undefined | (Tensor | null | undefined)[];

/** The class of a custom function: its static forward and backward. */
export interface FunctionClass {
  readonly name: string;
  forward(ctx: FunctionCtx, ...args: never[]): Tensor | Tensor[];
  backward(ctx: FunctionCtx, ...grads: Tensor[]): Grads;
}

class FunctionNode extends Node {
  readonly name: string;
  override readonly userCode = true;

  constructor(
    private readonly fn: FunctionClass,
    private readonly ctx: FunctionCtx,
    args: readonly unknown[],
    outputs: readonly Tensor[],
  ) {
    const tensors = args.map((a) => (a instanceof Tensor ? a : null));
    super(
      tensors.map((t) => (t === null ? null : edgeOf(t))),
      tensors.map((t) => (t === null ? null : metaOf(t))),
      outputs.map(metaOf),
    );
    this.name = `${fn.name}Backward`;
    ctx.bind(this);
  }

  apply(grads: readonly Tensor[]): (Tensor | null | undefined)[] {
    const out = this.fn.backward(this.ctx, ...grads);
    const list = Array.isArray(out) ? out : [out];
    if (list.length !== this.next.length) {
      throw new AutogradError(
        `function ${this.name} returned an incorrect number of gradients (expected ${this.next.length}, got ${list.length})`,
      );
    }
    return list;
  }

  override release(): void {
    this.ctx.release();
  }
}

type ForwardArgs<F extends FunctionClass> = F['forward'] extends (
  ctx: FunctionCtx,
  ...args: infer A
) => unknown
  ? A
  : never;

/** Runs a custom function: forward unrecorded, then one node for the outputs' history. */
function applyFunction(fn: FunctionClass, args: readonly unknown[]): Tensor | Tensor[] {
  const ctx = new FunctionCtx(args);
  const raw = noGrad(() => fn.forward(ctx, ...(args as never[])));
  // An input returned as is becomes a new tensor on the same storage, so the input keeps its history.
  const results = Array.isArray(raw) ? raw : [raw];
  const outputs = results.map((o) => (args.includes(o) ? o.detach() : o));
  if (isGradEnabled() && ctx.needsInputGrad.includes(true)) {
    const node = new FunctionNode(fn, ctx, args, outputs);
    outputs.forEach((o, i) => {
      if (isFloating(o.dtype) && !ctx.isNonDifferentiable(results[i])) setHistory(o, node, i);
    });
  }
  return Array.isArray(raw) ? outputs : outputs[0];
}

/**
 * torch.autograd.Function (exported as `Function`). Subclass with static `forward(ctx, ...args)`
 * and `backward(ctx, ...gradOutputs)` (one gradient per forward argument, null for those without
 * one), then call `MyFn.apply(...args)`:
 *
 *   class Cube extends Function {
 *     static override forward(ctx: FunctionCtx, x: Tensor) { ctx.saveForBackward(x); return x.pow(3); }
 *     static override backward(ctx: FunctionCtx, g: Tensor) { const [x] = ctx.savedTensors; return g.mul(x!.square()).mul(3); }
 *   }
 *
 * forward runs without recording; backward is recorded under createGraph, so a backward written
 * with tensor ops is itself differentiable.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: PyTorch's API is a class of static methods used as MyFn.apply(...).
export class AutogradFunction {
  static forward(_ctx: FunctionCtx, ..._args: never[]): Tensor | Tensor[] {
    throw new AutogradError('subclasses of Function must define a static forward(ctx, ...args)');
  }

  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): Grads {
    throw new AutogradError('subclasses of Function must define a static backward(ctx, ...grads)');
  }

  static apply<F extends FunctionClass>(
    this: F,
    ...args: ForwardArgs<F>
  ): ReturnType<F['forward']> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass apply was called on.
    return applyFunction(this, args) as ReturnType<F['forward']>;
  }
}
