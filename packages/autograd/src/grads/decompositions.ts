/**
 * Derivatives of inv, det, slogdet and solve (PyTorch's, from the matrix identities
 * d(A^-1) = -A^-1 dA A^-1 and d log|det A| = tr(A^-1 dA)), written with tensor ops so that
 * they differentiate again. det's gradient at a singular matrix needs the adjugate, which
 * is not here: inverting it fails with linalg.inv's LinAlgError.
 */
import { inv, solve, type Tensor } from '@tensile/tensor';
import { attr, type Formula } from './formula';

/** A batch of scalars [...] as [..., 1, 1], to scale a batch of matrices. */
const perMatrix = (t: Tensor) => t.unsqueeze(-1).unsqueeze(-1);

export const decompositions: Record<string, Formula> = {
  inv: {
    name: 'LinalgInvExBackward0',
    backward: (g, c) => {
      const yT = c.output().mT;
      return [yT.matmul(g).matmul(yT).neg()];
    },
  },
  det: {
    name: 'LinalgDetBackward0',
    backward: (g, c) => [perMatrix(g.mul(c.output())).mul(inv(c.input(0)).mT)],
  },
  slogdet: {
    name: 'LinalgSlogdetBackward0',
    backward: (g, c) => [perMatrix(g).mul(inv(c.input(0)).mT)],
  },
  // Inputs: A, B; `vector` when B was a batch of vectors.
  solve: {
    name: 'LinalgSolveExBackward0',
    backward: (g, c) => {
      const gB = solve(c.input(0).mT, g);
      const x = c.output();
      const gA = attr<boolean>(c, 'vector')
        ? gB.unsqueeze(-1).matmul(x.unsqueeze(-2))
        : gB.matmul(x.mT);
      return [c.needs(0) ? gA.neg() : null, c.needs(1) ? gB : null];
    },
  },
};
