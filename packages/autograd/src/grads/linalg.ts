/**
 * The derivatives of matmul, the one product kernel (mm, bmm, matmul, dot, einsum use it), and
 * of im2col/col2im, from which convolution and pooling are built: each is the other's adjoint.
 * The fused convolution and its two gradient ops differentiate into each other.
 */
import {
  type AvgPoolWindowOptions,
  atIndices,
  avgPool,
  avgPoolBackward,
  col2im,
  convolution,
  convolutionInputGrad,
  convolutionWeightGrad,
  type Im2colOptions,
  im2col,
  maxPoolBackward,
  type Tensor,
} from '@tensile/tensor';
import type { FormulaGroup, GradContext } from './formula';

type WindowOp = 'im2col' | 'col2im' | ConvOp;
type ConvOp = 'convolution' | 'convolutionInputGrad' | 'convolutionWeightGrad';

/** The window geometry the op recorded (padValue is left out: padding gets no gradient). */
function windows(c: GradContext<WindowOp>): Im2colOptions {
  return {
    dilation: c.attrs.dilation,
    padding: c.attrs.padding,
    stride: c.attrs.stride,
    outputSize: c.attrs.outputSize,
  };
}

/** The windows and divisor rule average pooling recorded. */
function avgWindows(c: GradContext<'avgPool' | 'avgPoolBackward'>): AvgPoolWindowOptions {
  const { padding, stride, outputSize } = c.attrs;
  return {
    padding,
    stride,
    outputSize,
    countIncludePad: c.attrs.countIncludePad,
    divisorOverride: c.attrs.divisorOverride,
  };
}

/** A matrix (batch) stored column by column, such as the weight under Linear's w.t(). */
function columnMajor(x: Tensor): boolean {
  const nd = x.ndim;
  return (
    nd >= 2 &&
    x.shape[nd - 1] > 1 &&
    x.strides[nd - 2] === 1 &&
    x.strides[nd - 1] === x.shape[nd - 2]
  );
}

/**
 * a @ b laid out like `like`: for a column-major operand its gradient is computed transposed
 * ((b^T a^T)^T, the same sums), so it arrives in the operand's own layout and a transposed
 * parameter (Linear's weight) takes its gradient without a transposing copy, as PyTorch's
 * mm_mat2_backward does.
 */
function productLike(a: Tensor, b: Tensor, like: Tensor): Tensor {
  return columnMajor(like) ? b.mT.matmul(a.mT).mT : a.matmul(b);
}

export const linalg = {
  // Recorded on [...batch, M, K] x [...batch, K, N] with equal batch dims (broadcast batches and
  // 1-D operands are expand/unsqueeze views around it, so their own formulas reshape the grads).
  matmul: {
    name: (_, inputs) => (inputs[0]?.shape.length === 2 ? 'MmBackward0' : 'BmmBackward0'),
    backward: (g, c) => [
      c.needs(0) ? productLike(g, c.input(1).mH, c.input(0)) : null,
      c.needs(1) ? productLike(c.input(0).mH, g, c.input(1)) : null,
    ],
  },
  // Inputs [x, weight, bias?]: the bias gradient sums over the batch and the image, each
  // image plane first (contiguous runs, the backends' fast sum).
  convolution: {
    name: 'ConvolutionBackward0',
    backward: (grad, c) => {
      // One dense copy serves all three (a sum's gradient arrives as a broadcast view).
      const g = grad.contiguous();
      return [
        c.needs(0) ? convolutionInputGrad(g, c.input(1), c.inputShape(0), windows(c)) : null,
        c.needs(1) ? convolutionWeightGrad(g, c.input(0), c.inputShape(1), windows(c)) : null,
        c.needs(2) ? g.flatten(2).sum(2).sum(0) : null,
      ];
    },
  },
  // Inputs [grad, weight]: linear in each, so its derivatives are convolutions again.
  convolutionInputGrad: {
    name: 'ConvolutionBackwardBackward0',
    backward: (g, c) => [
      c.needs(0) ? convolution(g, c.input(1), null, windows(c)) : null,
      c.needs(1) ? convolutionWeightGrad(c.input(0), g, c.inputShape(1), windows(c)) : null,
    ],
  },
  // Inputs [grad, x].
  convolutionWeightGrad: {
    name: 'ConvolutionBackwardBackward0',
    backward: (g, c) => [
      c.needs(0) ? convolution(c.input(1), g, null, windows(c)) : null,
      c.needs(1) ? convolutionInputGrad(c.input(0), g, c.inputShape(1), windows(c)) : null,
    ],
  },
  // The indices were recorded by the forward; the gradient goes back to each window's argmax.
  maxPool: {
    name: 'MaxPool2DWithIndicesBackward0',
    backward: (g, c) => [maxPoolBackward(g, c.attrs.indices!, c.inputShape(0))],
  },
  // Linear in the gradient: its derivative reads the gradient's gradient at the indices.
  maxPoolBackward: {
    name: 'MaxPool2DWithIndicesBackwardBackward0',
    backward: (g, c) => [atIndices(g, c.attrs.indices)],
  },
  avgPool: {
    name: 'AvgPool2DBackward0',
    backward: (g, c) => [avgPoolBackward(g, c.inputShape(0), c.attrs.kernelSize, avgWindows(c))],
  },
  // Linear in the gradient, and avgPool's adjoint.
  avgPoolBackward: {
    name: 'AvgPool2DBackwardBackward0',
    backward: (g, c) => [avgPool(g, c.attrs.kernelSize, avgWindows(c))],
  },
  im2col: {
    name: 'Im2ColBackward0',
    backward: (g, c) => [col2im(g, c.inputShape(0), c.attrs.kernelSize, windows(c))],
  },
  col2im: {
    name: 'Col2ImBackward0',
    backward: (g, c) => [im2col(g, c.attrs.kernelSize, windows(c))],
  },
} satisfies FormulaGroup;
