import type { Tensor } from '@tensile/tensor';
import { Module } from '../module';

/**
 * Flattens dims startDim..endDim, both included (torch.nn.Flatten; by default all but the batch
 * dim): [N, C, H, W] -> [N, C*H*W]. A view where the input's strides allow one.
 */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize` (torch.nn.Unflatten), whose product must equal that
 * dim's size (one entry may be -1): Unflatten(1, [C, H, W]) takes [N, C*H*W] -> [N, C, H, W].
 */
export class Unflatten extends Module {
  constructor(
    readonly dim: number,
    readonly unflattenedSize: readonly number[],
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattenedSize);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=(${this.unflattenedSize.join(', ')})`;
  }
}
