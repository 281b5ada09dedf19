/**
 * Derivatives of eigh and svd, PyTorch's linalg_eig_backward (hermitian case) and svd_backward
 * for real matrices, written with tensor ops so that they differentiate again. Where vectors
 * get gradients, both divide by differences of eigenvalues (squared singular values): repeated
 * ones give inf or NaN, as in PyTorch.
 */
import { cat, diagEmbed, eye, solve, type Tensor } from '@tensile/tensor';
import { AutogradError } from '../errors';
import type { FormulaGroup } from './formula';

/** X - X^T. */
const skew = (x: Tensor) => x.sub(x.mT);

/** E_ij = d_j - d_i, with ones on the diagonal (which the numerators there make 0). */
function gaps(d: Tensor): Tensor {
  const n = d.shape[d.ndim - 1];
  return d
    .unsqueeze(-2)
    .sub(d.unsqueeze(-1))
    .add(eye(n, n, { dtype: d.dtype, device: d.device }));
}

const noFormula = (): never => {
  throw new Error('multi-output op: backwardAll is used');
};

/**
 * PyTorch's linalg_qr_backward for A = QR with m >= n (Q [m, n], R [n, n]):
 * gA = (gQ + Q syminvadj(triu(gR R^T - Q^T gQ))) R^-T, where syminvadj(X) = X + X^T with its
 * diagonal halved.
 */
function qrTall(gQ: Tensor, gR: Tensor, Q: Tensor, R: Tensor): Tensor {
  const m = gR.matmul(R.mT).sub(Q.mT.matmul(gQ)).triu();
  const sym = m.add(m.mT).sub(diagEmbed(m.diagonal(0, -2, -1)));
  const g = gQ.add(Q.matmul(sym));
  // X R^T = g, solved as R X^T = g^T.
  return solve(R, g.mT).mT;
}

export const spectral = {
  // A wide A = Q [R1 R2]: its first m columns are a square QR, and R2 = Q^T Y for the rest Y.
  qr: {
    name: 'LinalgQrBackward0',
    backward: noFormula,
    backwardAll: ([gQ, gR], c) => {
      const mode = c.attrs.mode;
      const [Q, R] = [c.output(0), c.output(1)];
      const [m, n] = [R.shape[R.ndim - 2], R.shape[R.ndim - 1]];
      const rows = Q.shape[Q.ndim - 2];
      if (mode === 'r')
        throw new AutogradError(
          "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.",
        );
      if (mode === 'complete' && rows > n)
        throw new AutogradError(
          "The QR decomposition is not differentiable when mode='complete' and nrows > ncols.",
        );
      if (m >= n) return [qrTall(gQ, gR, Q, R)];
      const [R1, R2] = [R.narrow(-1, 0, m), R.narrow(-1, m, n - m)];
      const gR2 = gR.narrow(-1, m, n - m);
      const Y = Q.matmul(R2);
      const gX = qrTall(gQ.add(Y.matmul(gR2.mT)), gR.narrow(-1, 0, m), Q, R1);
      return [cat([gX, Q.matmul(gR2)], -1)];
    },
  },
  eigh: {
    name: 'LinalgEighBackward0',
    backward: noFormula,
    backwardAll: ([gL, gV], c) => {
      const [L, V] = [c.output(0), c.output(1)];
      // Eigenvalues alone (eigvalsh) need no division: repeated ones are fine.
      if (!c.arrived(1)) return [V.matmul(diagEmbed(gL)).matmul(V.mT)];
      // The skew-symmetric part of V^T gV: eigenvectors are unique only up to sign.
      const inner = skew(V.mT.matmul(gV)).mul(0.5).div(gaps(L)).add(diagEmbed(gL));
      return [V.matmul(inner).matmul(V.mT)];
    },
  },
  // With fullMatrices, U's and Vh's columns past min(m, n) are arbitrary: only the first k of
  // them and of their gradients count, as PyTorch narrows them.
  svd: {
    name: 'LinalgSvdBackward0',
    backward: noFormula,
    backwardAll: ([gU0, gS, gVh0], c) => {
      const S = c.output(1);
      const k = S.shape[S.ndim - 1];
      const full = c.attrs.full;
      const cols = (t: Tensor) => (full ? t.narrow(-1, 0, k) : t);
      const rows = (t: Tensor) => (full ? t.narrow(-2, 0, k) : t);
      const [U, Vh, gU, gVh] = [cols(c.output(0)), rows(c.output(2)), cols(gU0), rows(gVh0)];
      const [m, n] = [U.shape[U.ndim - 2], Vh.shape[Vh.ndim - 1]];
      // Singular values alone (svdvals, the nuclear and spectral norms): U diag(gS) Vh.
      if (!c.arrived(0) && !c.arrived(2)) return [U.mul(gS.unsqueeze(-2)).matmul(Vh)];
      const UhgU = skew(U.mT.matmul(gU));
      const VhgV = skew(Vh.matmul(gVh.mT));
      const s = S.unsqueeze(-2);
      let gA = UhgU.mul(s).add(S.unsqueeze(-1).mul(VhgV)).div(gaps(S.square())).add(diagEmbed(gS));
      if (m > n && c.arrived(0)) {
        // gA = [U gA + (I - U U^T) gU S^-1] Vh
        const gUSinv = gU.div(s);
        gA = U.matmul(gA)
          .add(gUSinv)
          .sub(U.matmul(U.mT.matmul(gUSinv)))
          .matmul(Vh);
      } else if (m < n && c.arrived(2)) {
        // gA = U [gA Vh + S^-1 gVh (I - V Vh)]
        const SinvgVh = gVh.div(S.unsqueeze(-1));
        gA = U.matmul(gA.matmul(Vh).add(SinvgVh).sub(SinvgVh.matmul(Vh.mT).matmul(Vh)));
      } else {
        // Square, or no gradient for the vectors the extra term divides: PyTorch skips it.
        gA = U.matmul(gA).matmul(Vh);
      }
      return [gA];
    },
  },
} satisfies FormulaGroup;
