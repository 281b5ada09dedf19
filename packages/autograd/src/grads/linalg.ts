/**
 * The derivatives of matmul, the one product kernel (mm, bmm, matmul, dot, einsum use it), and
 * of im2col/col2im, from which convolution and pooling are built: each is the other's adjoint.
 */
import { col2im, type Im2colOptions, im2col, type Pair } from '@tensile/tensor';
import { attr, type Formula, type GradContext } from './formula';

/** The window geometry the op recorded (padValue is left out: padding gets no gradient). */
function windows(c: GradContext): Im2colOptions {
  return {
    dilation: attr<Pair>(c, 'dilation'),
    padding: attr<Pair>(c, 'padding'),
    stride: attr<Pair>(c, 'stride'),
    outputSize: attr<Pair>(c, 'outputSize'),
  };
}

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
  im2col: {
    name: 'Im2ColBackward0',
    backward: (g, c) => [col2im(g, c.inputShape(0), attr<Pair>(c, 'kernelSize'), windows(c))],
  },
  col2im: {
    name: 'Col2ImBackward0',
    backward: (g, c) => [im2col(g, attr<Pair>(c, 'kernelSize'), windows(c))],
  },
};
