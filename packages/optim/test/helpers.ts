import { readFileSync } from 'node:fs';
import type { DType, Tensor } from '@tensile/tensor';
import { expect } from 'vitest';

/** A tensor as the generator writes it: flat row-major data ({"$num": "inf"} for non-finite). */
export interface TensorJson {
  dtype: DType;
  shape: number[];
  data: Array<number | { $num: string }>;
}

export interface FixtureFile<C> {
  torch: string;
  cases: C[];
}

export function loadFixture<C, E = object>(name: string): FixtureFile<C> & E {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

export function decodeNumber(v: number | { $num: string }): number {
  if (typeof v === 'number') return v;
  return { nan: Number.NaN, inf: Infinity, '-inf': -Infinity }[v.$num] ?? Number.NaN;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** PyTorch's kernels fuse some multiply-adds that Tensile rounds twice: a few ulps per step. */
export const FLOAT32: Tolerance = { rtol: 1e-5, atol: 1e-6 };
export const FLOAT64: Tolerance = { rtol: 1e-12, atol: 1e-14 };

export function toleranceFor(dtype: DType): Tolerance {
  return dtype === 'float64' ? FLOAT64 : FLOAT32;
}

export function expectClose(actual: number, expected: number, tol: Tolerance, what = ''): void {
  const ok = Math.abs(actual - expected) <= tol.atol + tol.rtol * Math.abs(expected);
  if (!ok) expect.fail(`${what}: ${actual} is not within ${JSON.stringify(tol)} of ${expected}`);
}

export function expectTensorClose(
  actual: Tensor,
  expected: TensorJson,
  tol: Tolerance,
  what = '',
): void {
  expect(actual.dtype, `${what} dtype`).toBe(expected.dtype);
  expect([...actual.shape], `${what} shape`).toEqual(expected.shape);
  const data = actual.dataSync();
  expected.data.forEach((e, i) => {
    expectClose(data[i], decodeNumber(e), tol, `${what}[${i}]`);
  });
}
