/**
 * Derivatives of the ops that make complex tensors, with PyTorch's convention for complex
 * gradients (the conjugate Wirtinger derivative: for a real loss of z = x + iy, the gradient is
 * dL/dx + i dL/dy). A real input of a complex result takes the real part (the engine's gradAs).
 */
import { diagEmbed, eye, solve, type Tensor, viewAsComplex, viewAsReal } from '@tensile/tensor';
import { AutogradError } from '../errors';
import type { FormulaGroup } from './formula';

/** conj(L_j - L_i), with ones on the diagonal (which the numerators there make 0). */
function conjugateGaps(L: Tensor): Tensor {
  const n = L.shape[L.ndim - 1];
  const c = L.conj();
  return c
    .unsqueeze(-2)
    .sub(c.unsqueeze(-1))
    .add(eye(n, n, { dtype: L.dtype, device: L.device }));
}

/**
 * PyTorch's linalg_eig_backward (non-Hermitian): with A = V diag(L) V^-1,
 * gA = V^-H (diag(gL) + (V^H gV - V^H V diag(re(V^H gV))) / conj(E)) V^H, E_ij = L_j - L_i.
 * Eigenvectors are unique only up to a phase each, so a loss that depends on the phase is
 * refused, as PyTorch refuses it.
 */
function eigBackward(gL: Tensor, gV: Tensor | null, L: Tensor, V: Tensor): Tensor {
  const Vh = V.mH;
  if (gV === null) return solve(Vh, gL.unsqueeze(-1).mul(Vh));
  const VhgV = Vh.matmul(gV);
  const diag = VhgV.diagonal(0, -2, -1);
  if (!diag.imag.abs().le(1e-2).all().item())
    throw new AutogradError(
      'linalg_eig_backward: The eigenvectors in the complex case are specified up to multiplication by e^{i phi}. The specified loss function depends on this quantity, so it is ill-defined.',
    );
  const offDiagonal = VhgV.sub(Vh.matmul(V.mul(diag.real.unsqueeze(-2)))).div(conjugateGaps(L));
  const inner = offDiagonal.sub(diagEmbed(offDiagonal.diagonal(0, -2, -1))).add(diagEmbed(gL));
  return solve(Vh, inner.matmul(Vh));
}

const noFormula = (): never => {
  throw new Error('multi-output op: backwardAll is used');
};

export const complexGrads = {
  complex: {
    name: 'ComplexBackward0',
    backward: (g, c) => [c.needs(0) ? g.real : null, c.needs(1) ? g.imag : null],
  },
  viewAsReal: { name: 'ViewAsRealBackward0', backward: (g) => [viewAsComplex(g.contiguous())] },
  viewAsComplex: { name: 'ViewAsComplexBackward0', backward: (g) => [viewAsReal(g)] },
  eig: {
    name: 'LinalgEigBackward0',
    backward: noFormula,
    // eigvals records eig with both outputs when its input needs a gradient.
    backwardAll: ([gL, gV], c) => [
      eigBackward(gL, c.arrived(1) ? gV : null, c.output(0), c.output(1)),
    ],
  },
} satisfies FormulaGroup;
