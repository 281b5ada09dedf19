import { TensileError } from './errors';
import type { Tensor } from './tensor';

/**
 * Attributes an op records for its backward formula (dims, shapes, scalars). `gradName`, where
 * set, names the node as PyTorch names the op it stands for (t recorded as a permute:
 * TBackward0).
 */
export type OpAttrs = Readonly<Record<string, unknown>>;

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  inputs?: Tensor[];
}

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
  record(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: OpAttrs): void;
  /**
   * `target` was overwritten in place with the value of `result` (grad mode on): target takes over
   * result's history, or, when result is a constant, the overwritten values stop passing gradient.
   */
  rebaseInplace(target: Tensor, result: Tensor): void;
  backward(tensor: Tensor, gradient: Tensor | undefined, options: BackwardOptions): void;
  registerHook(tensor: Tensor, hook: TensorHook): RemovableHandle;
  retainGrad(tensor: Tensor): void;
}

let hooks: AutogradHooks | null = null;
let gradEnabled = true;

export function registerAutograd(engine: AutogradHooks): void {
  hooks = engine;
}

export function autogradEngine(what: string): AutogradHooks {
  if (!hooks) {
    throw new TensileError(
      `${what} needs the autograd engine: install @tensile/autograd and import it once`,
    );
  }
  return hooks;
}

export function isGradEnabled(): boolean {
  return gradEnabled;
}

export function setGradEnabled(enabled: boolean): void {
  gradEnabled = enabled;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
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
export function apply<T extends Tensor | Tensor[]>(
  op: string,
  inputs: readonly Tensor[],
  attrs: OpAttrs,
  forward: () => T,
): T {
  if (hooks === null || !gradEnabled || !inputs.some((t) => t.requiresGrad)) return forward();
  const out = withGradMode(false, forward);
  hooks.record(op, inputs, Array.isArray(out) ? out : [out], attrs);
  return out;
}

/**
 * Lets autograd give an in-place op's result history to the tensor it overwrote. Not only when
 * the result requires grad: a constant written into a tensor (or a view of one) that requires
 * grad must cut the gradient there. Under noGrad the write is invisible to autograd.
 */
export function rebaseInplace(target: Tensor, result: Tensor): void {
  if (hooks === null || !gradEnabled) return;
  if (result.requiresGrad || target.requiresGrad || target.base?.requiresGrad)
    hooks.rebaseInplace(target, result);
}
