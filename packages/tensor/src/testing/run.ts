/** Runs one golden case against @tensile/tensor and returns what differs from PyTorch. */
import type { Tensor } from '@tensile/tensor';
import * as T from '@tensile/tensor';
import { compareStrides, compareTensor, compareValue, type Tolerances } from './compare';
import { baseOf, type Case, decodeArg } from './fixture';

export interface RunOptions {
  /**
   * The device the case runs on: the inputs are made there and the op runs there (the default
   * device is set for the duration of the case). Default: the current default device.
   */
  device?: string;
  /** Per-dtype tolerances where a case names none (default DEFAULT_TOL). */
  tolerances?: Tolerances;
}

const ERRORS = {
  shape: T.ShapeError,
  dtype: T.DTypeError,
  index: T.IndexError,
  value: T.ValueError,
  linalg: T.LinAlgError,
} as const;

type Fn = (...args: unknown[]) => unknown;

function invoke(c: Case, args: unknown[]): unknown {
  const opts = c.opts !== undefined ? [decodeArg(c.opts)] : [];
  if (c.method) {
    const [self, ...rest] = args as [Record<string, unknown>, ...unknown[]];
    const f = self[c.op];
    if (typeof f !== 'function') throw new Error(`Tensor has no method ${c.op}`);
    return (f as Fn).call(self, ...rest, ...opts);
  }
  const f = (T as unknown as Record<string, unknown>)[c.op];
  if (typeof f !== 'function') throw new Error(`@tensile/tensor exports no function ${c.op}`);
  return (f as Fn)(...args, ...opts);
}

function checkError(c: Case, args: unknown[]): string[] {
  let thrown: unknown;
  let result: unknown;
  try {
    result = invoke(c, args);
  } catch (e) {
    thrown = e;
  }
  const want = ERRORS[c.errorType!];
  const what = `expected ${want.name} (PyTorch: "${c.error}")`;
  if (thrown === undefined) {
    const got =
      result instanceof T.Tensor ? `Tensor(${result.dtype}, [${result.shape}])` : String(result);
    return [`${what}, but nothing was thrown (returned ${got})`];
  }
  const err = thrown as Error;
  if (!(err instanceof want)) return [`${what}, got ${err?.name}: ${err?.message}`];
  const opName = c.op.replace(/_$/, '');
  const missing = [opName, ...(c.mentions ?? [])].filter((s) => !err.message.includes(s));
  return missing.length
    ? [`${want.name} message "${err.message}" does not mention ${missing.join(', ')}`]
    : [];
}

function checkRandom(c: Case, out: unknown): string[] {
  const errs = compareTensor(c.out as never, out, undefined, 'out');
  if (errs.length || !c.random) return errs;
  const { low, high, integral } = c.random;
  for (const v of (out as Tensor).dataSync()) {
    if (!(v >= low && v <= high)) return [`value ${v} outside [${low}, ${high}]`];
    if (integral && !Number.isInteger(v)) return [`value ${v} is not a whole number`];
  }
  return [];
}

function checkView(c: Case, self: unknown, out: unknown): string[] {
  if (!(out instanceof T.Tensor) || !(self instanceof T.Tensor)) return [];
  const errs: string[] = [];
  const empty = out.numel() === 0;
  if (c.stride && !empty) errs.push(...compareStrides(c.stride, out.stride(), out.shape));
  if (c.storageOffset !== undefined && !empty && out.storageOffset() !== c.storageOffset) {
    errs.push(`storageOffset: expected ${c.storageOffset}, got ${out.storageOffset()}`);
  }
  // A view shares the input's storage, or reads its memory as another dtype (viewAsReal).
  const shares =
    out.storage === self.storage || (out.base !== null && out.base === (self.base ?? self));
  if (c.aliases !== undefined && shares !== c.aliases) {
    errs.push(
      c.aliases
        ? 'expected a view sharing the input storage, got a copy'
        : 'expected a copy, got a view',
    );
  }
  return errs;
}

function check(c: Case, tolerances: Tolerances | undefined): string[] {
  const args = decodeArg(c.args) as unknown[];
  if (c.errorType) return checkError(c, args);
  const out = invoke(c, args);
  if (c.optional && out === null) return [];
  if (c.random || (c.out as { data?: unknown })?.data === null) return checkRandom(c, out);
  const errs = compareValue(c.out, out, c.tol, 'out', tolerances);
  if (c.valuesIndices) {
    const vi = out as { values?: unknown; indices?: unknown } & unknown[];
    if (vi.values !== vi[0] || vi.indices !== vi[1]) errs.push('result has no .values / .indices');
  }
  if (c.inplace) {
    if (out !== args[0]) errs.push('in-place method did not return self');
    const base = baseOf.get(args[0] as Tensor);
    if (c.outBase && base)
      errs.push(...compareTensor(c.outBase, base, c.tol, 'base after in-place write', tolerances));
  }
  errs.push(...checkView(c, args[0], out));
  return errs;
}

/** Runs `c` and returns its mismatches with PyTorch's result: none when it passes. */
export function runCase(c: Case, opts: RunOptions = {}): string[] {
  const previous = T.getDefaultDevice();
  if (opts.device !== undefined) T.setDefaultDevice(opts.device);
  try {
    return check(c, opts.tolerances);
  } finally {
    T.setDefaultDevice(previous);
  }
}
