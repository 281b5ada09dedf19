import type { Storage } from './backend';
import { TensileError } from './errors';
import { shared } from './shared';
import type { Tensor } from './tensor';

/**
 * Memory a backend holds outside the JS heap (textures, device buffers) is not seen by the
 * garbage collector, and a finalizer never runs inside a synchronous loop. A scope frees what
 * was made inside it when it ends, as tf.tidy does: every new storage except those reachable
 * from the return value and those kept.
 */
const scopes = shared('scopes', () => ({
  open: [] as Set<Storage>[],
  kept: new WeakSet<Storage>(),
  watchers: [] as Set<Storage>[],
  /** Storages `adopt` moved out of a scope: only these may `release` hand back to one. */
  adopted: new WeakSet<Storage>(),
}));

/** The storage that owns `s`'s memory: itself, or the one a reinterpreting alias reads. */
const owner = (s: Storage): Storage => s.whole ?? s;

/** Called for every new storage a tensor wraps. */
export function track(storage: Storage): void {
  if (scopes.open.length > 0) scopes.open[scopes.open.length - 1].add(storage);
  for (const w of scopes.watchers) w.add(storage);
}

/**
 * Runs `fn`, adding to `into` every new storage a tensor made inside it wraps: the autograd
 * engine's way to know a gradient nothing outside its pass can hold.
 */
export function watchStorages<T>(into: Set<Storage>, fn: () => T): T {
  scopes.watchers.push(into);
  try {
    return fn();
  } finally {
    scopes.watchers.pop();
  }
}

/** Storages reachable from a scope's result: tensors in arrays, Maps and plain objects. */
function collect(value: unknown, into: Set<Storage>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  const storage = (value as { storage?: unknown }).storage;
  if (storage && typeof (value as Tensor).dataSync === 'function') {
    into.add(owner(storage as Storage));
    // A returned leaf keeps its gradient, made in the same scope.
    const grad = (value as Tensor).grad;
    if (grad) into.add(owner(grad.storage));
    return;
  }
  const items =
    value instanceof Map
      ? [...value.values()]
      : Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype
        ? Object.values(value)
        : [];
  for (const v of items) collect(v, into, depth + 1);
}

/**
 * Runs `fn` and then disposes every tensor storage it made, except those reachable from its
 * result (which move to the enclosing scope) and those passed to `keep`. Tensors made inside
 * and used after the scope throw a clear error. Parameters, buffers and optimizer state keep
 * themselves.
 */
export function scope<T>(fn: () => T): T {
  const made = new Set<Storage>();
  scopes.open.push(made);
  let result: T | undefined;
  try {
    result = fn();
    if (result instanceof Promise) {
      throw new TensileError('scope: the function must be synchronous (it returned a Promise)');
    }
  } finally {
    scopes.open.pop();
    const survivors = new Set<Storage>();
    collect(result, survivors);
    const parent = scopes.open[scopes.open.length - 1];
    for (const s of made) {
      if (survivors.has(s) || scopes.kept.has(s)) parent?.add(s);
      else s.backend.dispose(s);
    }
  }
  return result as T;
}

/** The depth of the open scope that made `storage` (0 is the outermost), or -1 for none. */
function depthOf(storage: Storage): number {
  for (let d = scopes.open.length - 1; d >= 0; d--) if (scopes.open[d].has(storage)) return d;
  return -1;
}

/**
 * Lets `t` live as long as `owner`: its storage leaves the scopes opened since owner was made
 * (a leaf's .grad made by backward() inside a scope outlives the scope, as PyTorch's does).
 */
export function adopt(holder: Tensor, t: Tensor): void {
  const storage = owner(t.storage);
  const holderStorage = owner(holder.storage);
  if (scopes.open.length === 0 || scopes.kept.has(storage)) return;
  const from = depthOf(storage);
  const to = scopes.kept.has(holderStorage) ? -1 : depthOf(holderStorage);
  if (from <= to) return;
  scopes.open[from].delete(storage);
  if (to >= 0) scopes.open[to].add(storage);
  scopes.adopted.add(storage);
}

/**
 * Hands a tensor `adopt` kept alive back to the innermost scope, which frees it when it ends
 * unless the scope returns it: a gradient that zeroGrad or a new gradient replaced.
 */
export function release(t: Tensor): void {
  const storage = owner(t.storage);
  if (scopes.open.length === 0 || !scopes.adopted.has(storage)) return;
  scopes.adopted.delete(storage);
  if (depthOf(storage) < 0) scopes.open[scopes.open.length - 1].add(storage);
}

/** Exempts a tensor's storage from every scope (tf.keep); returns the tensor. */
export function keep<T extends Tensor>(tensor: T): T {
  scopes.kept.add(owner(tensor.storage));
  return tensor;
}
