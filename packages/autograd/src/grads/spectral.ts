/**
 * Derivatives of eigh and svd, PyTorch's linalg_eig_backward (hermitian case) and svd_backward
 * for real matrices, written with tensor ops so that they differentiate again. Where vectors
 * get gradients, both divide by differences of eigenvalues (squared singular values): repeated
 * ones give inf or NaN, as in PyTorch.
 */
import { diagEmbed, eye, type Tensor } from '@tensile/tensor';
import { attr, type Formula } from './formula';

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

export const spectral: Record<string, Formula> = {
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
      const full = attr<boolean>(c, 'full');
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
};
