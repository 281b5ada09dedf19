/**
 * The general (non-symmetric) eigendecomposition in float64 on the host, step for step as LAPACK's
 * geev computes it for torch.linalg.eig: balance (gebal), reduce to Hessenberg form by Householder
 * reflectors (gehd2, orghr), iterate to Schur form (lahqr: Francis double-shift QR for real
 * matrices, Wilkinson single-shift QR for complex ones), back-substitute for the eigenvectors of
 * the Schur form (trevc3), undo the balancing (gebak) and normalize as geev does. Keeping LAPACK's
 * reflectors, shifts, deflation tests and 2x2 standardization keeps its eigenvalue order and the
 * signs of its real eigenvectors in the common case, which no phase normalization could fix.
 * Everything runs on split complex planes; a real matrix keeps zero imaginary planes throughout.
 * The stages live in eig/: complex-math (shared types, arithmetic, constants), reduce (gebal, gebak,
 * gehd2, orghr), real-schur and complex-schur (dlahqr, zlahqr), vectors (trevc3, normalization).
 */
import { at, type CMatrix, cvector } from './eig/complex-math';
import { complexSchur } from './eig/complex-schur';
import { realSchur } from './eig/real-schur';
import { balance, hessenberg, unbalance } from './eig/reduce';
import { backTransform, normalizeColumn, schurVector } from './eig/vectors';

export { EigConvergenceError } from './eig/complex-math';

export interface EigResult {
  /** n eigenvalues as interleaved (re, im) pairs (length 2n). */
  values: Float64Array;
  /** n x n eigenvectors, column j for values[j], row-major, interleaved (re, im) (length 2n*n); empty when !vectors. */
  vectors: Float64Array;
}

/** Eigenvalues and right eigenvectors of the real n x n row-major matrix `a` (not modified). */
export function eigReal(a: Float64Array, n: number, vectors: boolean): EigResult {
  const t: CMatrix = { n, re: a.slice(0, n * n), im: new Float64Array(n * n) };
  const bal = balance(t);
  const q = hessenberg(t, bal.lo, bal.hi, vectors);
  realSchur(t, q ? q.re : null, bal.lo, bal.hi);
  const values = new Float64Array(2 * n);
  const pairAt = (k: number) => k + 1 < n && t.re[(k + 1) * n + k] !== 0;
  for (let k = 0; k < n; k++) {
    values[2 * k] = t.re[k * n + k];
    // A standardized 2x2 block has equal diagonals, so the pair comes out exactly conjugate.
    if (pairAt(k)) {
      const wi =
        Math.sqrt(Math.abs(t.re[k * n + k + 1])) * Math.sqrt(Math.abs(t.re[(k + 1) * n + k]));
      values[2 * k + 1] = wi;
      values[2 * k + 2] = t.re[k * n + k];
      values[2 * k + 3] = -wi;
      k++;
    }
  }
  if (!q) return { values, vectors: new Float64Array(0) };
  const v = new Float64Array(2 * n * n);
  const x = cvector(n);
  for (let k = 0; k < n; k++) {
    schurVector(t, pairAt(k) ? k + 1 : k, pairAt(k), x);
    backTransform(q, x, pairAt(k) ? k + 1 : k, v, k);
    if (pairAt(k)) k++;
  }
  unbalance(v, n, bal);
  for (let k = 0; k < n; k++) {
    normalizeColumn(v, n, k, true);
    if (pairAt(k)) {
      k++;
      for (let r = 0; r < n; r++) {
        v[2 * (r * n + k)] = v[2 * (r * n + k - 1)];
        v[2 * (r * n + k) + 1] = -v[2 * (r * n + k - 1) + 1];
      }
    } else for (let r = 0; r < n; r++) v[2 * (r * n + k) + 1] = 0; // +0, not a stray -0
  }
  return { values, vectors: v };
}

/** The same for a complex matrix given as interleaved (re, im) pairs, row-major, length 2*n*n. */
export function eigComplex(a: Float64Array, n: number, vectors: boolean): EigResult {
  const t: CMatrix = { n, re: new Float64Array(n * n), im: new Float64Array(n * n) };
  for (let k = 0; k < n * n; k++) [t.re[k], t.im[k]] = [a[2 * k], a[2 * k + 1]];
  const bal = balance(t);
  const q = hessenberg(t, bal.lo, bal.hi, vectors);
  complexSchur(t, q, bal.lo, bal.hi);
  const values = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) [values[2 * k], values[2 * k + 1]] = at(t, k, k);
  if (!q) return { values, vectors: new Float64Array(0) };
  const v = new Float64Array(2 * n * n);
  const x = cvector(n);
  for (let k = 0; k < n; k++) {
    schurVector(t, k, false, x);
    backTransform(q, x, k, v, k);
  }
  unbalance(v, n, bal);
  for (let k = 0; k < n; k++) normalizeColumn(v, n, k, false);
  return { values, vectors: v };
}
