/** The derivative of matmul, the one product kernel (mm, bmm, matmul, dot, einsum use it). */
import type { Formula } from './formula';

export const linalg: Record<string, Formula> = {
  // Recorded on [...batch, M, K] x [...batch, K, N] with equal batch dims (broadcast batches and
  // 1-D operands are expand/unsqueeze views around it, so their own formulas reshape the grads).
  matmul: {
    name: (_, inputs) => (inputs[0]?.shape.length === 2 ? 'MmBackward0' : 'BmmBackward0'),
    backward: (g, c) => [
      c.needs(0) ? g.matmul(c.input(1).mT) : null,
      c.needs(1) ? c.input(0).mT.matmul(g) : null,
    ],
  },
};
