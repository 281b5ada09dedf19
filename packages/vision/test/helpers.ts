import { readFileSync } from 'node:fs';
import { type DType, type Tensor, tensor } from '@tensile/tensor';
import { expect } from 'vitest';

export interface EncodedTensor {
  dtype: DType;
  shape: number[];
  data: (number | boolean)[];
}

export interface Case {
  id: string;
  op: string;
  args: unknown[];
  opts?: Record<string, unknown>;
  out: unknown;
  tol?: { rtol: number; atol: number };
}

export function loadFixture(name: string): { cases: Case[]; [k: string]: unknown } {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
}

export function isEncodedTensor(x: unknown): x is EncodedTensor {
  return typeof x === 'object' && x !== null && 'dtype' in x && 'shape' in x && 'data' in x;
}

export function decodeTensor(e: EncodedTensor): Tensor {
  const data = e.data.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
  return tensor(data, { dtype: e.dtype }).reshape(e.shape);
}

/** Tensors inside args decoded, everything else as is. */
export function decodeArgs(x: unknown): unknown {
  if (isEncodedTensor(x)) return decodeTensor(x);
  if (Array.isArray(x)) return x.map(decodeArgs);
  return x;
}

const FLOAT_TOL = { rtol: 1e-5, atol: 1e-5 };

/** Compares a tensor with an encoded one: shape and dtype exactly, values within tol (exact for ints). */
export function expectTensor(
  actual: Tensor,
  expected: EncodedTensor,
  tol?: { rtol: number; atol: number },
): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toBe(expected.dtype);
  const got = Array.from(actual.dataSync());
  const want = expected.data.map(Number);
  const isFloat = expected.dtype === 'float32' || expected.dtype === 'float64';
  const t = tol ?? (isFloat ? FLOAT_TOL : { rtol: 0, atol: 0 });
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= t.atol + t.rtol * Math.abs(want[i]))) {
      bad.push(`[${i}] got ${got[i]}, want ${want[i]}`);
    }
  }
  expect(bad.slice(0, 8), `${bad.length} of ${want.length} elements differ`).toEqual([]);
}

export function expectOut(
  actual: unknown,
  expected: unknown,
  tol?: { rtol: number; atol: number },
): void {
  if (isEncodedTensor(expected)) {
    expectTensor(actual as Tensor, expected, tol);
    return;
  }
  const list = expected as unknown[];
  expect((actual as unknown[]).length).toBe(list.length);
  for (const [i, e] of list.entries()) expectOut((actual as unknown[])[i], e, tol);
}
