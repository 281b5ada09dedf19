import { apply } from '../dispatch';
import { ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { checkMatrices, fromFloat64 } from './decompositions';
import * as E from './elementwise';
import * as R from './reduce';

const SWEEPS = 100;

/**
 * Applies the plane rotation (c, s) to lines p and q of the row-major `x`: its columns when
 * `step` is the row length and `at` 1, its rows when `step` is 1 and `at` the row length.
 */
function rotate(
  x: Float64Array,
  count: number,
  step: number,
  at: number,
  p: number,
  q: number,
  c: number,
  s: number,
): void {
  for (let k = 0; k < count; k++) {
    const xp = x[k * step + p * at];
    const xq = x[k * step + q * at];
    x[k * step + p * at] = c * xp - s * xq;
    x[k * step + q * at] = s * xp + c * xq;
  }
}

/** Eigenvalues (ascending) and eigenvectors (columns) of the symmetric n x n matrix `m`. */
function jacobiEigh(m: Float64Array, n: number): { w: Float64Array; v: Float64Array } {
  const a = m.slice();
  // Only the lower triangle is read, as torch.linalg.eigh's default UPLO='L'.
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = a[j * n + i];
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-300) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.hypot(1, theta));
        const c = 1 / Math.hypot(1, t);
        const s = t * c;
        rotate(a, n, n, 1, p, q, c, s); // columns p and q
        rotate(a, n, 1, n, p, q, c, s); // rows p and q
        rotate(v, n, n, 1, p, q, c, s);
      }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i] - a[j * n + j]);
  const w = Float64Array.from(order, (i) => a[i * n + i]);
  const sorted = new Float64Array(n * n);
  order.forEach((from, to) => {
    for (let k = 0; k < n; k++) sorted[k * n + to] = v[k * n + from];
  });
  return { w, v: sorted };
}

/** Completes the k orthonormal columns of q (r x c, row-major) to c, by Gram-Schmidt on e_i. */
function complete(q: Float64Array, r: number, c: number, k: number): void {
  for (let col = k, e = 0; col < c && e < r; e++) {
    const x = new Float64Array(r);
    x[e] = 1;
    for (let pass = 0; pass < 2; pass++)
      for (let j = 0; j < col; j++) {
        let d = 0;
        for (let i = 0; i < r; i++) d += q[i * c + j] * x[i];
        for (let i = 0; i < r; i++) x[i] -= d * q[i * c + j];
      }
    const norm = Math.hypot(...x);
    if (norm < 1e-8) continue;
    for (let i = 0; i < r; i++) q[i * c + col] = x[i] / norm;
    col++;
  }
}

/**
 * The SVD of the m x n matrix `a` (m >= n): U (m x n, or m x m when full), S descending, V (n x n).
 * One-sided Jacobi: columns of A rotated until orthogonal; their norms are S.
 */
function jacobiSvd(a: Float64Array, m: number, n: number, full: boolean) {
  const u = a.slice();
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = u[i * n + p];
          const y = u[i * n + q];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.hypot(1, zeta));
        const c = 1 / Math.hypot(1, t);
        const s = c * t;
        rotate(u, m, n, 1, p, q, c, s);
        rotate(v, n, n, 1, p, q, c, s);
      }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += u[i * n + j] ** 2;
    return Math.sqrt(s);
  });
  const order = norms.map((_, j) => j).sort((i, j) => norms[j] - norms[i]);
  const cols = full ? m : n;
  const U = new Float64Array(m * cols);
  const V = new Float64Array(n * n);
  const S = Float64Array.from(order, (j) => norms[j]);
  // Columns of singular value 0 have no direction of their own: they are completed below.
  let kept = 0;
  order.forEach((from, to) => {
    for (let i = 0; i < n; i++) V[i * n + to] = v[i * n + from];
    if (norms[from] > 1e-300 * Math.max(1, norms[order[0]])) {
      for (let i = 0; i < m; i++) U[i * cols + to] = u[i * n + from] / norms[from];
      kept = to + 1;
    }
  });
  complete(U, m, cols, kept);
  return { U, S, V };
}

/** One matrix of a batch as float64 rows; the batch's matrices one after another. */
function matrices(a: Tensor): { data: Float64Array; m: number; n: number; count: number } {
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  return {
    data: Float64Array.from(a.contiguous().dataSync()),
    m,
    n,
    count: a.numel() / (m * n || 1),
  };
}

/**
 * Eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices, from their lower
 * triangle (torch.linalg.eigh). Differentiable (LinalgEighBackward0) where eigenvalues are
 * distinct.
 */
export function eigh(a: Tensor): [Tensor, Tensor] & { eigenvalues: Tensor; eigenvectors: Tensor } {
  checkMatrices('linalg.eigh', a, true);
  const [eigenvalues, eigenvectors] = apply('eigh', [a], {}, () => {
    const { data, n, count } = matrices(a);
    const w = new Float64Array(count * n);
    const v = new Float64Array(count * n * n);
    for (let b = 0; b < count; b++) {
      const r = jacobiEigh(data.subarray(b * n * n, (b + 1) * n * n), n);
      w.set(r.w, b * n);
      v.set(r.v, b * n * n);
    }
    return [fromFloat64(w, a, a.shape.slice(0, -1)), fromFloat64(v, a, a.shape)];
  });
  return Object.assign([eigenvalues, eigenvectors] as [Tensor, Tensor], {
    eigenvalues,
    eigenvectors,
  });
}

/** The eigenvalues of symmetric matrices, ascending (torch.linalg.eigvalsh). */
export function eigvalsh(a: Tensor): Tensor {
  return eigh(a).eigenvalues;
}

export interface SvdOptions {
  /** U [m, m] and Vh [n, n] (the default, as PyTorch), or the reduced [m, k] and [k, n]. */
  fullMatrices?: boolean;
}

/**
 * A = U diag(S) Vh (torch.linalg.svd): S descending, batched. Differentiable
 * (LinalgSvdBackward0) where singular values are distinct and nonzero; with fullMatrices, the
 * columns of U and rows of Vh past min(m, n) get no gradient, as in PyTorch.
 */
export function svd(
  a: Tensor,
  opts: SvdOptions = {},
): [Tensor, Tensor, Tensor] & { U: Tensor; S: Tensor; Vh: Tensor } {
  checkMatrices('linalg.svd', a, false);
  const full = opts.fullMatrices ?? true;
  const [U, S, Vh] = apply('svd', [a], { full }, () => svdOf(a, full));
  return Object.assign([U, S, Vh] as [Tensor, Tensor, Tensor], { U, S, Vh });
}

function svdOf(a: Tensor, full: boolean): Tensor[] {
  const { data, m, n, count } = matrices(a);
  const k = Math.min(m, n);
  const [ur, uc, vr] = [m, full ? m : k, full ? n : k];
  const U = new Float64Array(count * ur * uc);
  const S = new Float64Array(count * k);
  const Vh = new Float64Array(count * vr * n);
  for (let b = 0; b < count; b++) {
    const mat = data.subarray(b * m * n, (b + 1) * m * n);
    // Jacobi works on the taller side: for a wide matrix, the SVD of its transpose, swapped.
    const tall = m >= n;
    const src = tall ? mat : transpose(mat, m, n);
    const [rows, cols] = tall ? [m, n] : [n, m];
    const r = jacobiSvd(src, rows, cols, full);
    const [left, right] = tall ? [r.U, r.V] : [r.V, r.U];
    const leftCols = tall ? (full ? rows : cols) : cols;
    const rightCols = tall ? cols : full ? rows : cols;
    S.set(r.S, b * k);
    for (let i = 0; i < ur; i++)
      for (let j = 0; j < uc; j++) U[b * ur * uc + i * uc + j] = left[i * leftCols + j];
    // Vh is V transposed: row j of Vh is column j of V.
    for (let j = 0; j < vr; j++)
      for (let i = 0; i < n; i++) Vh[b * vr * n + j * n + i] = right[i * rightCols + j];
  }
  const batch = a.shape.slice(0, -2);
  return [
    fromFloat64(U, a, [...batch, ur, uc]),
    fromFloat64(S, a, [...batch, k]),
    fromFloat64(Vh, a, [...batch, vr, n]),
  ];
}

function transpose(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}

/** The singular values, descending (torch.linalg.svdvals). */
export function svdvals(a: Tensor): Tensor {
  return svd(a, { fullMatrices: false }).S;
}

/** The ord of matrixNorm: 'fro', 'nuc', 2, -2, 1, -1, Infinity or -Infinity. */
export type MatrixNormOrder = 'fro' | 'nuc' | number;

/**
 * torch.linalg.matrix_norm over the last two dims: 'fro' (default), 'nuc', 2 / -2 (largest /
 * smallest singular value), 1 / -1 (max / min column sum of |a|), Infinity / -Infinity (rows).
 * Every order is differentiable (the nuclear and spectral norms through svd's gradient).
 */
export function matrixNorm(
  a: Tensor,
  ord: MatrixNormOrder = 'fro',
  opts: { keepdim?: boolean } = {},
): Tensor {
  checkMatrices('matrixNorm', a, false);
  const keepdim = !!opts.keepdim;
  const [rowDim, colDim] = [a.ndim - 2, a.ndim - 1];
  const fromSingular = (pick: (s: Tensor) => Tensor) => {
    const s = pick(svdvals(a));
    return keepdim ? s.unsqueeze(-1).unsqueeze(-1) : s;
  };
  if (ord === 'fro') return R.norm(a, 2, [rowDim, colDim], { keepdim });
  if (ord === 'nuc') return fromSingular((s) => R.sum(s, -1));
  if (ord === 2) return fromSingular((s) => R.amax(s, -1));
  if (ord === -2) return fromSingular((s) => R.amin(s, -1));
  // 1: the largest column sum of |a|; Infinity: the largest row sum (negative: the smallest).
  if (ord === 1 || ord === -1 || ord === Infinity || ord === -Infinity) {
    const [summed, over] = Math.abs(ord) === 1 ? [rowDim, colDim] : [colDim, rowDim];
    const sums = R.sum(E.abs(a), summed, { keepdim });
    const at = keepdim ? over : over - (summed < over ? 1 : 0);
    return ord > 0 ? R.amax(sums, at, { keepdim }) : R.amin(sums, at, { keepdim });
  }
  throw new ValueError(`matrixNorm: Order ${String(ord)} not supported.`);
}
