/**
 * QR and least squares (torch.linalg.qr, torch.linalg.lstsq) in float64 on the host. QR is
 * Householder's, with LAPACK's sign convention (each reflector sends x to -sign(x0)|x| e1), so
 * Q and R are LAPACK's, not just equal up to signs. Both are differentiable: qr by its own
 * formula (autograd's LinalgQrBackward0), lstsq through the SVD it is made of.
 */
import { apply } from '../dispatch';
import { isComplex, isFloating } from '../dtype';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { fromFloat64 } from './decompositions';
import * as E from './elementwise';
import { svd } from './spectral';
import * as V from './views';

function floatMatrices(op: string, a: Tensor): void {
  if (a.ndim < 2)
    throw new ShapeError(
      `${op}: The input tensor A must have at least 2 dimensions (got shape ${fmtShape(a.shape)})`,
    );
  if (!isFloating(a.dtype))
    throw new DTypeError(`${op}: Expected a floating point tensor as input. Got ${a.dtype}`);
}

/**
 * qr's output: 'reduced' Q [m, k] and R [k, n] with k = min(m, n); 'complete' Q [m, m] and R [m,
 * n]; 'r' R alone (Q empty).
 */
export type QrMode = 'reduced' | 'complete' | 'r';

/** A = Q R for each matrix (torch.linalg.qr): 'reduced' (default), 'complete', or 'r' only. */
export function qr(
  a: Tensor,
  opts: { mode?: QrMode } = {},
): [Tensor, Tensor] & { Q: Tensor; R: Tensor } {
  floatMatrices('linalg.qr', a);
  const mode = opts.mode ?? 'reduced';
  if (!['reduced', 'complete', 'r'].includes(mode))
    throw new ValueError(
      `linalg.qr: qr received unrecognized mode '${mode}' but expected one of 'reduced' (default), 'r', or 'complete'`,
    );
  const [outQ, outR] = apply('qr', [a], { mode }, () => householder(a, mode));
  return Object.assign([outQ, outR] as [Tensor, Tensor], { Q: outQ, R: outR });
}

/** Q and R by Householder reflections with LAPACK's signs, in float64. */
function householder(a: Tensor, mode: QrMode): Tensor[] {
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const k = Math.min(m, n);
  const qc = mode === 'complete' ? m : k;
  const rr = mode === 'complete' ? m : k;
  const data = Float64Array.from(a.contiguous().dataSync());
  const count = data.length / (m * n || 1);
  const Q = new Float64Array(count * m * qc);
  const R = new Float64Array(count * rr * n);
  for (let b = 0; b < count; b++) {
    const r = data.slice(b * m * n, (b + 1) * m * n);
    // Q starts as the identity's first qc columns; reflectors are applied to it in reverse.
    const q = new Float64Array(m * qc);
    for (let i = 0; i < Math.min(m, qc); i++) q[i * qc + i] = 1;
    const vs: Float64Array[] = [];
    const taus: number[] = [];
    for (let j = 0; j < k; j++) {
      let below = 0;
      for (let i = j + 1; i < m; i++) below += r[i * n + j] ** 2;
      const alpha = r[j * n + j];
      const v = new Float64Array(m);
      let tau = 0;
      // As LAPACK's dlarfg: nothing below the diagonal means no reflection (tau 0).
      if (below !== 0) {
        const beta = -Math.sign(alpha || 1) * Math.sqrt(alpha * alpha + below);
        tau = (beta - alpha) / beta;
        v[j] = 1;
        for (let i = j + 1; i < m; i++) v[i] = r[i * n + j] / (alpha - beta);
        // R <- (I - tau v v^T) R on rows j.., columns j..
        for (let c = j; c < n; c++) {
          let d = 0;
          for (let i = j; i < m; i++) d += v[i] * r[i * n + c];
          for (let i = j; i < m; i++) r[i * n + c] -= tau * v[i] * d;
        }
      }
      vs.push(v);
      taus.push(tau);
    }
    for (let j = k - 1; j >= 0; j--) {
      const v = vs[j];
      if (taus[j] === 0) continue;
      for (let c = 0; c < qc; c++) {
        let d = 0;
        for (let i = j; i < m; i++) d += v[i] * q[i * qc + c];
        for (let i = j; i < m; i++) q[i * qc + c] -= taus[j] * v[i] * d;
      }
    }
    Q.set(q, b * m * qc);
    for (let i = 0; i < rr; i++)
      for (let c = 0; c < n; c++) R[b * rr * n + i * n + c] = c >= i ? r[i * n + c] : 0;
  }
  const batch = a.shape.slice(0, -2);
  const outQ =
    mode === 'r' ? fromFloat64(new Float64Array(0), a, [0]) : fromFloat64(Q, a, [...batch, m, qc]);
  const outR = fromFloat64(R, a, [...batch, rr, n]);
  return [outQ, outR];
}

/**
 * The least-squares solution X of A X = B for each matrix (torch.linalg.lstsq): the minimum-norm
 * one when A is wide or rank-deficient, singular values below rcond (default eps * max(m, n))
 * times the largest treated as zero. B is [..., m, k] (or [..., m], a vector).
 */
export function lstsq(
  a: Tensor,
  b: Tensor,
  opts: { rcond?: number } = {},
): { solution: Tensor; rank: Tensor } {
  floatMatrices('linalg.lstsq', a);
  if (isComplex(b.dtype))
    throw new DTypeError(
      `linalg.lstsq: Expected input and other to have the same dtype, but got input ${a.dtype} and other ${b.dtype}`,
    );
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const vector = b.ndim === a.ndim - 1;
  const rhs = vector ? V.unsqueeze(b, -1) : b;
  if (rhs.shape[rhs.ndim - 2] !== m)
    throw new ShapeError(
      `linalg.lstsq: input.size(-2) should match other.size(-2) (shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)})`,
    );
  const eps = a.dtype === 'float32' ? 2 ** -23 : 2 ** -52;
  const rcond = opts.rcond ?? eps * Math.max(m, n);
  const { U, S, Vh } = svd(a.to('float64'), { fullMatrices: false });
  // Singular values above rcond times the largest are inverted, the rest dropped: with tensor
  // ops, so the solution differentiates through svd's gradient (the cut itself is constant).
  const largest = S.shape[S.ndim - 1] > 0 ? S.narrow(-1, 0, 1) : S;
  const kept = S.gt(largest.mul(rcond));
  const sInv = E.where(kept, S.reciprocal(), 0);
  // X = V diag(1/s) U^T B
  const x = Vh.mT.matmul(U.mT.matmul(rhs.to('float64')).mul(sInv.unsqueeze(-1))).to(a.dtype);
  const solution = vector ? x.squeeze(-1) : x;
  const rank = kept.sum(-1);
  return { solution, rank };
}
