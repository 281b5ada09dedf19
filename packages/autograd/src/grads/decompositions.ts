/**
 * Derivatives of inv, det, slogdet and solve (PyTorch's, from the matrix identities
 * d(A^-1) = -A^-1 dA A^-1 and d log|det A| = tr(A^-1 dA)), written with tensor ops so that
 * they differentiate again. det's gradient at a singular matrix is zero, as PyTorch 1.13's.
 */
import { diagEmbed, eye, inv, solve, type Tensor, tril, where } from '@tensile/tensor';
import type { FormulaGroup } from './formula';

/** A batch of scalars [...] as [..., 1, 1], to scale a batch of matrices. */
const perMatrix = (t: Tensor) => t.unsqueeze(-1).unsqueeze(-1);

export const decompositions = {
  inv: {
    name: 'LinalgInvExBackward0',
    backward: (g, c) => {
      const yT = c.output().mT;
      return [yT.matmul(g).matmul(yT).neg()];
    },
  },
  // det(A) A^-T. A singular matrix (det exactly 0) gets a zero gradient, as PyTorch 1.13's
  // d * A^-H gives it (the cofactors would not be 0): it is swapped for I before inverting.
  det: {
    name: 'LinalgDetBackward0',
    backward: (g, c) => {
      const [a, d] = [c.input(0), c.output()];
      const n = a.shape[a.ndim - 1];
      const singular = perMatrix(d.eq(0));
      const safe = where(singular, eye(n, n, { dtype: a.dtype, device: a.device }), a);
      return [perMatrix(g.mul(d)).mul(inv(safe).mT)];
    },
  },
  slogdet: {
    name: 'LinalgSlogdetBackward0',
    backward: (g, c) => [perMatrix(g).mul(inv(c.input(0)).mT)],
  },
  // PyTorch's cholesky_backward: with Phi the lower triangle of L^T gL, diagonal halved,
  // gA = L^-T Phi L^-1, symmetrized. `upper` outputs are L^T, their gradient transposed first.
  cholesky: {
    name: 'LinalgCholeskyExBackward0',
    backward: (g, c) => {
      const upper = c.attrs.upper;
      const l = upper ? c.output().mT : c.output();
      const gl = upper ? g.mT : g;
      const phi = tril(l.mT.matmul(gl));
      const halved = phi.sub(diagEmbed(phi.diagonal(0, -2, -1)).mul(0.5));
      const lInv = inv(l);
      const gA = lInv.mT.matmul(halved).matmul(lInv);
      return [gA.add(gA.mT).mul(0.5)];
    },
  },
  // Inputs: A, B; `vector` when B was a batch of vectors.
  solve: {
    name: 'LinalgSolveExBackward0',
    backward: (g, c) => {
      const gB = solve(c.input(0).mT, g);
      const x = c.output();
      const gA = c.attrs.vector ? gB.unsqueeze(-1).matmul(x.unsqueeze(-2)) : gB.matmul(x.mT);
      return [c.needs(0) ? gA.neg() : null, c.needs(1) ? gB : null];
    },
  },
} satisfies FormulaGroup;
