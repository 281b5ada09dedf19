/**
 * Linear algebra on square matrices (torch.linalg's inv, det, slogdet, solve) through an LU
 * factorization with partial pivoting, as LAPACK's getrf: computed in float64 on the host for
 * each matrix of a batch, the result in the input's dtype on its device. Small matrices are the
 * use (the notes' inverse and determinant); the gradients are in autograd's formulas.
 */
import { apply } from '../dispatch';
import { isComplex, isFloating } from '../dtype';
import { DTypeError, fmtShape, LinAlgError, ShapeError } from '../errors';
import { broadcastShapes } from '../shape';
import type { Tensor } from '../tensor';
import * as C from './complex';
import { fromEmbedding, realEmbedding } from './complex';
import { fromArray } from './create';
import * as J from './joining';
import * as V from './views';

interface Lu {
  /** The factors in place: U on and above the diagonal, L (unit diagonal) below. */
  a: Float64Array;
  /** Row i of the factorization is row perm[i] of the input. */
  perm: Int32Array;
  /** +1 or -1: the parity of the row swaps. */
  sign: number;
  /** The first zero pivot (1-based, as LAPACK's info), or 0. */
  singular: number;
}

function lu(m: Float64Array, n: number): Lu {
  const a = m.slice();
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  let singular = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]) > Math.abs(a[p * n + k])) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) [a[k * n + j], a[p * n + j]] = [a[p * n + j], a[k * n + j]];
      [perm[k], perm[p]] = [perm[p], perm[k]];
      sign = -sign;
    }
    const pivot = a[k * n + k];
    if (pivot === 0) {
      if (!singular) singular = k + 1;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k] / pivot;
      a[i * n + k] = f;
      if (f !== 0) for (let j = k + 1; j < n; j++) a[i * n + j] -= f * a[k * n + j];
    }
  }
  return { a, perm, sign, singular };
}

/** X with A X = B for A's factors, B [n, k] row-major, into out. */
function luSolve(f: Lu, n: number, b: Float64Array, k: number, out: Float64Array): void {
  const { a, perm } = f;
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] = b[perm[i] * k + c];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      const l = a[i * n + j];
      if (l !== 0) for (let c = 0; c < k; c++) out[i * k + c] -= l * out[j * k + c];
    }
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) {
      const u = a[i * n + j];
      if (u !== 0) for (let c = 0; c < k; c++) out[i * k + c] -= u * out[j * k + c];
    }
    for (let c = 0; c < k; c++) out[i * k + c] /= a[i * n + i];
  }
}

/** Rejects what is not a batch of (square) floating-point matrices, with torch.linalg's words. */
export function checkMatrices(op: string, a: Tensor, square: boolean, complexOk = false): void {
  if (a.ndim < 2 || (square && a.shape[a.ndim - 1] !== a.shape[a.ndim - 2]))
    throw new ShapeError(
      `${op}: A must be batches of ${square ? 'square ' : ''}matrices, but the input has shape ${fmtShape(a.shape)}`,
    );
  if (!isFloating(a.dtype) && !(complexOk && isComplex(a.dtype)))
    throw new DTypeError(`${op}: Expected a floating point tensor as input. Got ${a.dtype}`);
}

/** A batch of square matrices [..., n, n] in float64, one after another. */
function squares(op: string, a: Tensor): { data: Float64Array; n: number; count: number } {
  checkMatrices(op, a, true);
  const n = a.shape[a.ndim - 1];
  return { data: Float64Array.from(a.contiguous().dataSync()), n, count: a.numel() / (n * n || 1) };
}

/** Host float64 results as a tensor of `like`'s dtype and device (every host linalg op's output). */
export const fromFloat64 = (values: Float64Array, like: Tensor, shape: readonly number[]) =>
  fromArray(like.dtype === 'float32' ? Float32Array.from(values) : values, [...shape], {
    dtype: like.dtype,
    device: like.device,
  });

function singularError(op: string, at: number, batch: number, count: number): LinAlgError {
  const which = count > 1 ? `(Batch element ${batch}): ` : '';
  return new LinAlgError(
    `${op}: ${which}The diagonal element ${at} is zero, the inversion could not be completed because the input matrix is singular.`,
  );
}

/**
 * The inverse of each square matrix (torch.linalg.inv); a singular one is a LinAlgError. A
 * complex matrix's is computed from its real embedding.
 */
export function inv(a: Tensor): Tensor {
  return invAs('linalg.inv', a);
}

/** torch.inverse, the older name of inv. */
export function inverse(a: Tensor): Tensor {
  return invAs('inverse', a);
}

function invAs(op: string, a: Tensor): Tensor {
  if (isComplex(a.dtype)) {
    checkMatrices(op, a, true, true);
    const n = a.shape[a.ndim - 1];
    return fromEmbedding(V.narrow(invAs(op, realEmbedding(a)), -1, 0, n), n);
  }
  const { data, n, count } = squares(op, a);
  return apply('inv', [a], {}, () => {
    const result = new Float64Array(data.length);
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    for (let b = 0; b < count; b++) {
      const f = lu(data.subarray(b * n * n, (b + 1) * n * n), n);
      if (f.singular) throw singularError(op, f.singular, b, count);
      luSolve(f, n, eye, n, result.subarray(b * n * n, (b + 1) * n * n));
    }
    return fromFloat64(result, a, a.shape);
  });
}

/** The determinant of each square matrix (torch.linalg.det); 0 for a singular one. */
export function det(a: Tensor): Tensor {
  const { data, n, count } = squares('linalg.det', a);
  return apply('det', [a], {}, () => {
    const result = new Float64Array(count);
    for (let b = 0; b < count; b++) {
      const f = lu(data.subarray(b * n * n, (b + 1) * n * n), n);
      let d = f.sign;
      for (let i = 0; i < n; i++) d *= f.a[i * n + i];
      result[b] = d;
    }
    return fromFloat64(result, a, a.shape.slice(0, -2));
  });
}

/**
 * [sign, logabsdet] of each square matrix (torch.linalg.slogdet): det = sign * exp(logabsdet),
 * without the overflow of the determinant itself; a singular matrix gives [0, -inf]. Only
 * logabsdet carries a gradient, as in PyTorch.
 */
export function slogdet(a: Tensor): [Tensor, Tensor] & { sign: Tensor; logabsdet: Tensor } {
  const { data, n, count } = squares('linalg.slogdet', a);
  const signs = new Float64Array(count);
  const logs = new Float64Array(count);
  for (let b = 0; b < count; b++) {
    const f = lu(data.subarray(b * n * n, (b + 1) * n * n), n);
    let s = f.singular ? 0 : f.sign;
    let l = f.singular ? Number.NEGATIVE_INFINITY : 0;
    if (!f.singular)
      for (let i = 0; i < n; i++) {
        const u = f.a[i * n + i];
        if (u < 0) s = -s;
        l += Math.log(Math.abs(u));
      }
    signs[b] = s;
    logs[b] = l;
  }
  const batch = a.shape.slice(0, -2);
  const sign = fromFloat64(signs, a, batch);
  const logabsdet = apply('slogdet', [a], {}, () => fromFloat64(logs, a, batch));
  return Object.assign([sign, logabsdet] as [Tensor, Tensor], { sign, logabsdet });
}

/**
 * X with A X = B (torch.linalg.solve): B is [..., n, k], or [..., n] (a batch of vectors) when
 * its shape is A's without the last dim; batch dims broadcast. A singular A is a LinAlgError.
 */
export function solve(a: Tensor, b: Tensor): Tensor {
  checkMatrices('linalg.solve', a, true, true);
  const n = a.shape[a.ndim - 1];
  if (a.dtype !== b.dtype)
    throw new DTypeError(
      `linalg.solve: Expected A and B to have the same dtype, but found A of type ${a.dtype} and B of type ${b.dtype} instead`,
    );
  const vector =
    b.ndim === 1 || (b.ndim === a.ndim - 1 && fmtShape(b.shape) === fmtShape(a.shape.slice(0, -1)));
  const rhs = vector ? V.unsqueeze(b, -1) : b;
  if (rhs.ndim < 2 || rhs.shape[rhs.ndim - 2] !== n)
    throw new ShapeError(
      `linalg.solve: Incompatible shapes of A and B for the equation AX = B (${fmtShape(a.shape.slice(-2))} and ${fmtShape(rhs.shape.slice(-2))})`,
    );
  if (isComplex(a.dtype)) {
    const x = solve(realEmbedding(a), J.cat([C.real(rhs), C.imag(rhs)], -2));
    const out = fromEmbedding(x, n);
    return vector ? V.squeeze(out, -1) : out;
  }
  const batch = broadcastShapes('linalg.solve', a.shape.slice(0, -2), rhs.shape.slice(0, -2));
  const k = rhs.shape[rhs.ndim - 1];
  const shape = vector ? [...batch, n] : [...batch, n, k];
  return apply('solve', [a, b], { vector }, () => {
    const A = squares('linalg.solve', V.expand(a, [...batch, n, n])).data;
    const B = Float64Array.from(
      V.expand(rhs, [...batch, n, k])
        .contiguous()
        .dataSync(),
    );
    const X = new Float64Array(B.length);
    const count = B.length / (n * k || 1);
    for (let i = 0; i < count; i++) {
      const f = lu(A.subarray(i * n * n, (i + 1) * n * n), n);
      if (f.singular)
        throw new LinAlgError(
          `linalg.solve: The solver failed because the input matrix is singular.`,
        );
      luSolve(
        f,
        n,
        B.subarray(i * n * k, (i + 1) * n * k),
        k,
        X.subarray(i * n * k, (i + 1) * n * k),
      );
    }
    return fromFloat64(X, a, shape);
  });
}

/**
 * The Cholesky factor of each symmetric positive-definite matrix (torch.linalg.cholesky):
 * lower L with A = L L^T, or with `upper` U = L^T. Only the lower triangle is read; a matrix
 * that is not positive-definite is a LinAlgError naming the failing leading minor.
 */
export function cholesky(a: Tensor, opts: { upper?: boolean } = {}): Tensor {
  const { data, n, count } = squares('linalg.cholesky', a);
  const upper = !!opts.upper;
  return apply('cholesky', [a], { upper }, () => {
    const l = new Float64Array(data.length);
    for (let b = 0; b < count; b++) {
      const at = b * n * n;
      for (let j = 0; j < n; j++) {
        let d = data[at + j * n + j];
        for (let k = 0; k < j; k++) d -= l[at + j * n + k] ** 2;
        if (!(d > 0))
          throw new LinAlgError(
            `linalg.cholesky: ${count > 1 ? `(Batch element ${b}): ` : ''}The factorization could not be completed because the input is not positive-definite (the leading minor of order ${j + 1} is not positive-definite).`,
          );
        const ljj = Math.sqrt(d);
        l[at + j * n + j] = ljj;
        for (let i = j + 1; i < n; i++) {
          let s = data[at + i * n + j];
          for (let k = 0; k < j; k++) s -= l[at + i * n + k] * l[at + j * n + k];
          l[at + i * n + j] = s / ljj;
        }
      }
      if (upper)
        for (let i = 0; i < n; i++)
          for (let j = 0; j < i; j++) {
            l[at + j * n + i] = l[at + i * n + j];
            l[at + i * n + j] = 0;
          }
    }
    return fromFloat64(l, a, a.shape);
  });
}
