/**
 * Process-wide state that must be one however many copies of this package a program loads: its
 * ESM and CJS builds side by side (an ESM app importing tensor while a CJS dependency requires
 * it), or two installs. Each copy keeps its own code, but every copy finds the same objects under
 * one global symbol, so the autograd engine registered through one copy serves tensors of the
 * other, and grad mode, scopes, defaults and backends are one.
 */
const KEY = Symbol.for('@tensile/tensor:shared-state');
// Bumped when the shape of a slot changes, so incompatible copies do not share a slot.
const LAYOUT = 1;

type Store = Record<string, unknown>;

function store(): Store {
  const g = globalThis as { [KEY]?: Store };
  g[KEY] ??= Object.create(null) as Store;
  return g[KEY];
}

/** The process-wide slot `name`, made by `init` in the first copy that asks for it. */
export function shared<T extends object>(name: string, init: () => T): T {
  const s = store();
  const key = `${name}@${LAYOUT}`;
  s[key] ??= init();
  return s[key] as T;
}

/**
 * Makes `instanceof cls` hold for instances of the same class from another copy of the package
 * (a ShapeError thrown by the CJS build, caught against the ESM one's class): the prototype
 * carries a global brand that the check reads. A subclass that is not branded itself keeps the
 * ordinary prototype-chain check.
 */
export function brandClass(cls: abstract new (...args: never[]) => unknown, name: string): void {
  const key = Symbol.for(`@tensile/tensor:${name}`);
  Object.defineProperty(cls.prototype, key, { value: true });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: unknown, x: unknown): boolean {
      if (this !== cls) return Function.prototype[Symbol.hasInstance].call(this, x);
      return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[key] === true;
    },
  });
}
