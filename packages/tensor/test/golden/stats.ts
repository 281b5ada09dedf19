import { expect } from 'vitest';

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

export function std(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Sample mean and std within `tol` of the expected ones. */
export function expectStats(xs: ArrayLike<number>, m: number, s: number, tol: number): void {
  expect(Math.abs(mean(xs) - m), `mean ${mean(xs)} vs ${m}`).toBeLessThan(tol);
  expect(Math.abs(std(xs) - s), `std ${std(xs)} vs ${s}`).toBeLessThan(tol);
}

export function extent(xs: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] < lo) lo = xs[i];
    if (xs[i] > hi) hi = xs[i];
  }
  return [lo, hi];
}
