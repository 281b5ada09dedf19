import { isComplex, isDifferentiableType } from './dtype';
import { complexGradError, TensileError } from './errors';
import {
  type AttrsOf,
  COMPLEX_GRAD_OPS,
  type CompositeAttrMap,
  type CompositeName,
  type ObservedOp,
  type OpName,
} from './op-map';
import { shared } from './shared';
import type { Tensor } from './tensor';

const COMPLEX_GRAD: ReadonlySet<OpName> = new Set(COMPLEX_GRAD_OPS);

/**
 * Attributes an op records for its backward formula (dims, shapes, scalars), read without their
 * types; `OpAttrMap` has each op's. `gradName`, where set, names the node as PyTorch names the
 * op it stands for (t recorded as a permute: TBackward0).
 */
export type OpAttrs = Readonly<Record<string, unknown>>;

/** Options of Tensor.backward, as torch's backward arguments. */
export interface BackwardOptions {
  /** Keep the graph's saved tensors so backward can run through it again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients (default false). */
  createGraph?: boolean;
  /** Accumulate gradients only into these tensors instead of every leaf. */
  inputs?: Tensor[];
}

/** What registering a hook returns: remove() unregisters it. */
export interface RemovableHandle {
  remove(): void;
}

/** A gradient hook: returns a replacement gradient, or nothing to keep it. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only observes is a void function.
export type TensorHook = (grad: Tensor) => Tensor | undefined | void;

/**
 * What an autograd engine provides. `@tensile/autograd` registers one when imported; the
 * tensor package calls it without depending on it, so plain tensor users pay nothing.
 */
export interface AutogradHooks {
  /** Called after an op ran with grad mode on and some input requiring grad. */
  record(op: OpName, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: OpAttrs): void;
  /**
   * `target` was overwritten in place with the value of `result` (grad mode on): target takes over
   * result's history, or, when result is a constant, the overwritten values stop passing gradient.
   */
  rebaseInplace(target: Tensor, result: Tensor): void;
  backward(tensor: Tensor, gradient: Tensor | undefined, options: BackwardOptions): void;
  registerHook(tensor: Tensor, hook: TensorHook): RemovableHandle;
  retainGrad(tensor: Tensor): void;
}

/**
 * Sees a forward pass as torch.jit.trace does: every op that runs through `apply` (each once,
 * not the ops it is made of), with inputs, outputs and attributes, under grad mode or not, and
 * every in-place write that gives a tensor a new value. Exporters (ONNX) trace models with it.
 */
export interface OpObserver {
  op(op: ObservedOp, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: OpAttrs): void;
  inplace(target: Tensor, result: Tensor): void;
}

const state = shared('dispatch', () => ({
  hooks: null as AutogradHooks | null,
  gradEnabled: true,
  observer: null as OpObserver | null,
  insideOp: false,
}));

/** Runs `fn` with `obs` seeing the ops that run in it (one observer at a time). */
export function observeOps<T>(obs: OpObserver, fn: () => T): T {
  if (state.observer) throw new TensileError('observeOps: an op observer is already active');
  state.observer = obs;
  try {
    return fn();
  } finally {
    state.observer = null;
  }
}

/** Whether an observer is tracing: in-place fast paths then take the path it sees. */
export function isObserving(): boolean {
  return state.observer !== null;
}

/**
 * Plugs an autograd engine in. The first one registered stays: a second copy of
 * @tensile/autograd in the process (its other build) then records into the same graphs.
 */
export function registerAutograd(engine: AutogradHooks): void {
  state.hooks ??= engine;
}

export function autogradEngine(what: string): AutogradHooks {
  if (!state.hooks) {
    throw new TensileError(
      `${what} needs the autograd engine: install @tensile/autograd and import it once`,
    );
  }
  return state.hooks;
}

/**
 * Whether ops are being recorded for autograd (torch.is_grad_enabled); true unless noGrad or
 * setGradEnabled(false) turned it off.
 */
export function isGradEnabled(): boolean {
  return state.gradEnabled;
}

/**
 * Turns recording for autograd on or off until changed again (torch.set_grad_enabled); noGrad and
 * enableGrad scope it to a function instead.
 */
export function setGradEnabled(enabled: boolean): void {
  state.gradEnabled = enabled;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = state.gradEnabled;
  state.gradEnabled = enabled;
  try {
    return fn();
  } finally {
    state.gradEnabled = prev;
  }
}

/** Runs `fn` without recording ops for autograd (torch.no_grad). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording on, even inside noGrad (torch.enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/**
 * Runs one differentiable op. When autograd is active and an input requires grad, the op is
 * recorded once under `op`; the ops `forward` uses internally are not recorded.
 */
export function apply<K extends OpName, T extends Tensor | Tensor[]>(
  op: K,
  inputs: readonly Tensor[],
  attrs: AttrsOf<K>,
  forward: () => T,
): T {
  if (state.observer !== null && !state.insideOp)
    return observed(op, inputs, attrs, () => dispatched(op, inputs, attrs, forward));
  return dispatched(op, inputs, attrs, forward);
}

/**
 * Runs `fn`, made of other ops, as one op `op` for an observer: an exporter sees conv2d with its
 * geometry, not the im2col and products it is made of. Autograd records the ops inside as usual.
 */
export function composite<K extends CompositeName, T extends Tensor | Tensor[]>(
  op: K,
  inputs: readonly Tensor[],
  attrs: CompositeAttrMap[K],
  fn: () => T,
): T {
  return state.observer !== null && !state.insideOp ? observed(op, inputs, attrs, fn) : fn();
}

function dispatched<T extends Tensor | Tensor[]>(
  op: OpName,
  inputs: readonly Tensor[],
  attrs: OpAttrs,
  forward: () => T,
): T {
  if (state.hooks === null || !state.gradEnabled || !inputs.some((t) => t.requiresGrad))
    return forward();
  const out = withGradMode(false, forward);
  const outputs: readonly Tensor[] = Array.isArray(out) ? out : [out as Tensor];
  // Bool and integer results (eq, isnan) get no node, so any op may make them.
  const complex =
    (outputs.some((o) => isComplex(o.dtype)) || inputs.some((t) => isComplex(t.dtype))) &&
    outputs.some((o) => isDifferentiableType(o.dtype));
  if (complex && !COMPLEX_GRAD.has(op)) throw complexGradError(op, COMPLEX_GRAD_OPS);
  state.hooks.record(op, inputs, outputs, attrs);
  return out;
}

function observed<T extends Tensor | Tensor[]>(
  op: ObservedOp,
  inputs: readonly Tensor[],
  attrs: OpAttrs,
  run: () => T,
): T {
  state.insideOp = true;
  let out: T;
  try {
    out = run();
  } finally {
    state.insideOp = false;
  }
  state.observer?.op(op, inputs, Array.isArray(out) ? out : [out], attrs);
  return out;
}

/**
 * Lets autograd give an in-place op's result history to the tensor it overwrote. Not only when
 * the result requires grad: a constant written into a tensor (or a view of one) that requires
 * grad must cut the gradient there. Under noGrad the write is invisible to autograd.
 */
export function rebaseInplace(target: Tensor, result: Tensor): void {
  if (state.observer !== null && !state.insideOp) state.observer.inplace(target, result);
  if (state.hooks === null || !state.gradEnabled) return;
  if (result.requiresGrad || target.requiresGrad || target.base?.requiresGrad)
    state.hooks.rebaseInplace(target, result);
}
