/**
 * What every stage of the eig kernel (../eig-kernel.ts) shares: complex matrices and vectors as
 * split planes, the scalar complex arithmetic LAPACK's z-routines use (Smith's division, the
 * principal square root, Fortran's SIGN), dlamch's constants, and the error the caller rewraps
 * when an iteration does not converge. A leaf module: the stages import it, and it imports none.
 */

/** Thrown (as a plain Error subclass the caller rewraps) when the QR iteration does not converge. */
export class EigConvergenceError extends Error {}

export const ULP = 2 ** -52; // dlamch('P')
export const SAFMIN = 2 ** -1022; // dlamch('S')

/** A complex n x n row-major matrix as split real and imaginary planes. */
export interface CMatrix {
  n: number;
  re: Float64Array;
  im: Float64Array;
}
/** A complex vector as split planes. */
export interface CVector {
  re: Float64Array;
  im: Float64Array;
}
export type Complex = [number, number];

export const cvector = (n: number): CVector => ({
  re: new Float64Array(n),
  im: new Float64Array(n),
});
export const cabs1 = (a: Complex) => Math.abs(a[0]) + Math.abs(a[1]);
export const cadd = (a: Complex, b: Complex): Complex => [a[0] + b[0], a[1] + b[1]];
export const csub = (a: Complex, b: Complex): Complex => [a[0] - b[0], a[1] - b[1]];
export const cscale = (a: Complex, s: number): Complex => [a[0] * s, a[1] * s];
export const cmul = (a: Complex, b: Complex): Complex => [
  a[0] * b[0] - a[1] * b[1],
  a[0] * b[1] + a[1] * b[0],
];
/** Smith's division, which neither overflows nor underflows on the way for representable quotients. */
export function cdiv(a: Complex, b: Complex): Complex {
  if (Math.abs(b[0]) >= Math.abs(b[1])) {
    const r = b[1] / b[0];
    const d = b[0] + b[1] * r;
    return [(a[0] + a[1] * r) / d, (a[1] - a[0] * r) / d];
  }
  const r = b[0] / b[1];
  const d = b[0] * r + b[1];
  return [(a[0] * r + a[1]) / d, (a[1] * r - a[0]) / d];
}
export function csqrt(a: Complex): Complex {
  const m = Math.hypot(a[0], a[1]);
  if (m === 0) return [0, 0];
  const re = Math.sqrt((m + Math.abs(a[0])) / 2);
  if (a[0] >= 0) return [re, a[1] / (2 * re)];
  return [Math.abs(a[1]) / (2 * re), a[1] < 0 ? -re : re];
}
/** Fortran's SIGN(a, b), -0 included: LAPACK's reflector signs hinge on it. */
export const withSignOf = (a: number, b: number) =>
  b < 0 || Object.is(b, -0) ? -Math.abs(a) : Math.abs(a);
export const at = (m: CMatrix, r: number, c: number): Complex => [
  m.re[r * m.n + c],
  m.im[r * m.n + c],
];
