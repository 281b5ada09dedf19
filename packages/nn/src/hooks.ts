/**
 * Module hooks: forward pre-hooks and forward hooks around `forward`, and full backward hooks,
 * which see the gradients of a module's inputs and outputs. Backward hooks wrap the inputs and
 * outputs in identity functions whose backward nodes collect those gradients, as PyTorch's
 * BackwardHook does, so they fire once per backward pass with every gradient at hand.
 */
import { Function as AutogradFunction, type FunctionCtx } from '@tensile/autograd';
import { isTensor, type RemovableHandle, type Tensor } from '@tensile/tensor';
import type { Module } from './module';

// biome-ignore lint/suspicious/noExplicitAny: hooks see the module's own argument list.
type Args = any[];
/** Returns replacement arguments (an array, or one value), or nothing to keep them. */
export type ForwardPreHook<M> = (module: M, args: Args) => unknown;
/** Returns a replacement output, or nothing to keep it. */
export type ForwardHook<M> = (module: M, args: Args, output: unknown) => unknown;
/** Returns replacement input gradients, or nothing to keep them. */
export type BackwardHook<M> = (
  module: M,
  gradInput: (Tensor | null)[],
  gradOutput: (Tensor | null)[],
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only observes returns nothing.
) => (Tensor | null)[] | undefined | void;

type Kind = 'pre' | 'forward' | 'backward';

export class Hooks {
  readonly pre = new Map<number, ForwardPreHook<Module>>();
  readonly forward = new Map<number, ForwardHook<Module>>();
  readonly backward = new Map<number, BackwardHook<Module>>();
  private next = 0;

  add<K extends Kind>(
    kind: K,
    hook: Hooks[K] extends Map<number, infer H> ? H : never,
  ): RemovableHandle {
    const id = this.next++;
    const table = this[kind] as Map<number, unknown>;
    table.set(id, hook);
    return { remove: () => table.delete(id) };
  }
}

type GradsCallback = (grads: (Tensor | null)[]) => (Tensor | null)[];

/** Identity on its tensors; its backward hands their gradients to a callback. */
class BackwardHookFunction extends AutogradFunction {
  static override forward(
    ctx: FunctionCtx,
    onGrads: GradsCallback,
    ...tensors: Tensor[]
  ): Tensor[] {
    ctx.onGrads = onGrads;
    // As PyTorch's BackwardHookFunction: an argument that took no gradient still takes none.
    ctx.markNonDifferentiable(...tensors.filter((t) => !t.requiresGrad));
    return tensors;
  }

  static override backward(ctx: FunctionCtx, ...grads: Tensor[]): (Tensor | null)[] {
    return [null, ...(ctx.onGrads as GradsCallback)(grads)];
  }
}

/** Applies the identity to every tensor in `values` (a tensor, or an array holding tensors). */
function wrapTensors<T>(values: T, onGrads: GradsCallback): T {
  const list = Array.isArray(values) ? values : [values];
  const tensors = list.filter((v): v is Tensor => isTensor(v) && v.requiresGrad);
  if (tensors.length === 0) return values;
  const outs = BackwardHookFunction.apply(onGrads, ...tensors) as Tensor | Tensor[];
  const wrapped = Array.isArray(outs) ? outs : [outs];
  let k = 0;
  const mapped = list.map((v) => (isTensor(v) && v.requiresGrad ? wrapped[k++] : v));
  return (Array.isArray(values) ? mapped : mapped[0]) as T;
}

/**
 * The inputs' side of full backward hooks, as PyTorch's BackwardHook: once any input requires
 * grad, every tensor argument goes through the identity, so `gradInput` has one entry per
 * argument (zeros for a tensor that takes no gradient, null for a non-tensor) and a hook's
 * replacement is read by the same positions.
 */
function wrapArgs(args: Args, onGrads: GradsCallback): Args {
  if (!args.some((a) => isTensor(a) && a.requiresGrad)) return args;
  const tensors = args.filter(isTensor);
  const perArg = (grads: (Tensor | null)[]): (Tensor | null)[] => {
    let k = 0;
    const gradInput = onGrads(args.map((a) => (isTensor(a) ? grads[k++] : null)));
    return args.flatMap((a, i) => (isTensor(a) ? [gradInput[i] ?? null] : []));
  };
  const outs = BackwardHookFunction.apply(perArg, ...tensors) as Tensor | Tensor[];
  const wrapped = Array.isArray(outs) ? outs : [outs];
  let k = 0;
  return args.map((a) => (isTensor(a) ? wrapped[k++] : a));
}

/** Module.__call__: pre-hooks, backward-hook setup, forward, forward hooks. */
export function callWithHooks(
  module: Module,
  hooks: Hooks,
  forward: (...args: Args) => unknown,
  args: Args,
): unknown {
  for (const hook of hooks.pre.values()) {
    const result = hook(module, args);
    if (result !== undefined) args = Array.isArray(result) ? result : [result];
  }
  const backward = [...hooks.backward.values()];
  let state: { gradOutput: (Tensor | null)[] | null; inputsNeedGrad: boolean } | null = null;
  if (backward.length > 0) {
    const s = { gradOutput: null as (Tensor | null)[] | null, inputsNeedGrad: false };
    state = s;
    s.inputsNeedGrad = args.some((a) => isTensor(a) && a.requiresGrad);
    args = wrapArgs(args, (gradInput) =>
      runBackwardHooks(module, backward, gradInput, s.gradOutput ?? []),
    );
  }
  let output = forward.apply(module, args);
  for (const hook of hooks.forward.values()) {
    const result = hook(module, args, output);
    if (result !== undefined) output = result;
  }
  if (state !== null) {
    const s = state;
    output = wrapTensors(output, (gradOutput) => {
      s.gradOutput = gradOutput;
      // Without an input that takes a gradient, PyTorch calls the hooks here with None inputs.
      if (!s.inputsNeedGrad)
        runBackwardHooks(
          module,
          backward,
          args.map(() => null),
          gradOutput,
        );
      return gradOutput;
    });
  }
  return output;
}

function runBackwardHooks(
  module: Module,
  hooks: BackwardHook<Module>[],
  gradInput: (Tensor | null)[],
  gradOutput: (Tensor | null)[],
): (Tensor | null)[] {
  for (const hook of hooks) {
    const result = hook(module, gradInput, gradOutput);
    if (result !== undefined && result !== null) gradInput = result;
  }
  return gradInput;
}
