import { cholesky, det, inv, slogdet, solve } from './decompositions';
import { eig, eigvals } from './eig';
import { lstsq, qr } from './qr';
import { eigh, eigvalsh, matrixNorm, svd, svdvals } from './spectral';

/** torch.linalg's names (T.linalg.inv(A), T.linalg.svd(A), ...). */
export const linalg = {
  inv,
  det,
  slogdet,
  solve,
  cholesky,
  qr,
  lstsq,
  eig,
  eigvals,
  eigh,
  eigvalsh,
  svd,
  svdvals,
  matrixNorm,
};
