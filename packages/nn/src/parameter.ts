import { isDifferentiableType, keep, Tensor, ValueError } from '@tensile/tensor';

/**
 * A tensor that is a module's learnable state (torch.nn.Parameter): assigning one to a module
 * property registers it. It shares `data`'s storage, starts a fresh leaf of the graph, and
 * requires grad unless told otherwise.
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, data.strides, data.offset);
    if (requiresGrad && !isDifferentiableType(data.dtype)) {
      throw new ValueError(
        `Parameter: only Tensors of floating point and complex dtype can require gradients (got ${data.dtype})`,
      );
    }
    this.requiresGrad = requiresGrad;
    // A parameter outlives any scope it is made in.
    keep(this);
  }

  /** Prints as PyTorch does: `Parameter containing:` above the tensor. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
