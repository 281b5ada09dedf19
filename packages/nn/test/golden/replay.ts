/**
 * Replays the golden fixtures written by tools/fixtures/nn_*.py (format: tools/fixtures/nn_common.py):
 * a module built from its constructor arguments loads torch's state dict, runs forward and
 * backward, and must reproduce torch's outputs, gradients and state after.
 */
import { readFileSync } from 'node:fs';
import { type DType, type Tensor, tensor } from '@tensile/tensor';
import { expect, it } from 'vitest';
import type { Module, StateDict } from '../../src';

export interface FixtureTensor {
  dtype: DType;
  shape: number[];
  data: (number | string)[];
}

export interface Tol {
  rtol: number;
  atol: number;
}

interface BaseCase {
  id: string;
  args: unknown[];
  opts: Record<string, unknown>;
  out: FixtureTensor[];
  gradOut: (FixtureTensor | null)[];
  grads: Record<string, FixtureTensor>;
  tol?: Tol;
}

export interface ModuleCase extends BaseCase {
  ctor: string;
  train: boolean;
  steps: number;
  state: Record<string, FixtureTensor>;
  inputs: unknown[];
  stateAfter: Record<string, FixtureTensor>;
}

export interface FnCase extends BaseCase {
  fn: string;
}

export interface ErrorCase {
  id: string;
  error: true;
  fn: string;
  args: unknown[];
  opts: Record<string, unknown>;
  expect: string[];
}

const DEFAULT_TOL: Tol = { rtol: 1e-5, atol: 1e-5 };

export function loadCases<T>(file: string): T[] {
  const url = new URL(`../fixtures/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')).cases as T[];
}

function isFixtureTensor(v: unknown): v is FixtureTensor {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && 'data' in v;
}

const scalar = (v: number | string) =>
  typeof v === 'number'
    ? v
    : v === 'nan'
      ? Number.NaN
      : v === 'inf'
        ? Number.POSITIVE_INFINITY
        : Number.NEGATIVE_INFINITY;

export function decode(t: FixtureTensor): Tensor {
  return tensor(t.data.map(scalar), { dtype: t.dtype }).reshape(t.shape);
}

/** Fixture tensors in `v` (an argument list or a state dict) decoded; other values as they are. */
export function decodeAll<T>(v: T): T {
  if (isFixtureTensor(v)) return decode(v) as T;
  if (Array.isArray(v)) return v.map(decodeAll) as T;
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeAll(x)])) as T;
  return v;
}

export function flatOut(out: unknown): Tensor[] {
  return Array.isArray(out) ? out.flatMap(flatOut) : [out as Tensor];
}

/** Element-wise |got - want| <= atol + rtol * |want|, with the worst offender in the message. */
export function expectClose(got: Tensor, want: FixtureTensor, tol: Tol, what: string): void {
  expect([...got.shape], `${what}: shape`).toEqual(want.shape);
  expect(got.dtype, `${what}: dtype`).toBe(want.dtype);
  const g = got.dataSync();
  let worst = -1;
  let excess = 0;
  want.data.forEach((w, i) => {
    const e = scalar(w);
    const v = Number(g[i]);
    if (Number.isNaN(e) ? Number.isNaN(v) : e === v) return;
    const over = Math.abs(v - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (!(over <= 0) && (worst < 0 || over > excess || Number.isNaN(over))) {
      worst = i;
      excess = over;
    }
  });
  if (worst >= 0)
    expect.fail(
      `${what}: element ${worst} is ${g[worst]}, expected ${scalar(want.data[worst])} (rtol ${tol.rtol}, atol ${tol.atol})`,
    );
}

function backwardSum(outs: Tensor[], gradOut: (FixtureTensor | null)[]): void {
  let loss: Tensor | null = null;
  outs.forEach((o, i) => {
    const g = gradOut[i];
    if (g === null) return;
    const term = o.mul(decode(g)).sum();
    loss = loss === null ? term : loss.add(term);
  });
  (loss as Tensor | null)?.backward();
}

function asInputs(raw: unknown[]): unknown[] {
  return decodeAll(raw).map((x) =>
    typeof x === 'object' &&
    x !== null &&
    'requiresGrad_' in x &&
    (x as Tensor).dtype.startsWith('float')
      ? (x as Tensor).requiresGrad_()
      : x,
  );
}

function checkGrads(
  c: BaseCase,
  inputs: unknown[],
  params: Iterable<[string, Tensor]>,
  tol: Tol,
): void {
  const have = new Map<string, Tensor | null>([...params].map(([name, p]) => [name, p.grad]));
  inputs.forEach((x, i) => {
    if (typeof x === 'object' && x !== null && 'grad' in x)
      have.set(`input${i}`, (x as Tensor).grad);
  });
  for (const [name, want] of Object.entries(c.grads)) {
    const g = have.get(name);
    if (!g) expect.fail(`${c.id}: no gradient for ${name}`);
    expectClose(g, want, tol, `${c.id}: grad of ${name}`);
  }
}

/** Registers one vitest test per module case; `build` makes the module from the case's ctor/args/opts. */
export function replayModules(file: string, build: (c: ModuleCase) => Module): void {
  for (const c of loadCases<ModuleCase>(file).filter((x) => 'ctor' in x)) {
    it(c.id, () => {
      const m = build(c);
      m.loadStateDict(decodeAll(c.state) as unknown as StateDict);
      m.train(c.train);
      const inputs = asInputs(c.inputs);
      let outs: Tensor[] = [];
      for (let s = 0; s < c.steps; s++) {
        m.zeroGrad();
        for (const x of inputs)
          if (typeof x === 'object' && x !== null && 'grad' in x) (x as Tensor).grad = null;
        outs = flatOut(m.forward(...inputs));
        backwardSum(outs, c.gradOut);
      }
      const tol = c.tol ?? DEFAULT_TOL;
      expect(outs.length, `${c.id}: number of outputs`).toBe(c.out.length);
      outs.forEach((o, i) => {
        expectClose(o, c.out[i], tol, `${c.id}: output ${i}`);
      });
      checkGrads(c, inputs, m.namedParameters(), tol);
      const after = m.stateDict();
      for (const [k, want] of Object.entries(c.stateAfter))
        expectClose(after[k], want, tol, `${c.id}: state ${k}`);
    });
  }
}

/** Registers one vitest test per functional case; `fns` maps the case's fn name to a call. */
export function replayFunctions(
  file: string,
  fns: Record<string, (args: unknown[], opts: Record<string, unknown>) => unknown>,
): void {
  for (const c of loadCases<FnCase | ErrorCase>(file).filter((x) => 'fn' in x)) {
    const call = fns[c.fn];
    it(c.id, () => {
      if (!call) expect.fail(`no function '${c.fn}' registered for ${c.id}`);
      if ('error' in c) {
        expect(() => call(decodeAll(c.args), c.opts)).toThrow();
        try {
          call(decodeAll(c.args), c.opts);
        } catch (e) {
          for (const s of c.expect) expect((e as Error).message).toContain(s);
        }
        return;
      }
      const inputs = asInputs(c.args);
      const outs = flatOut(call(inputs, c.opts));
      backwardSum(outs, c.gradOut);
      const tol = c.tol ?? DEFAULT_TOL;
      expect(outs.length, `${c.id}: number of outputs`).toBe(c.out.length);
      outs.forEach((o, i) => {
        expectClose(o, c.out[i], tol, `${c.id}: output ${i}`);
      });
      checkGrads(c, inputs, [], tol);
    });
  }
}
