import type { Tensor } from '@tensile/tensor';
import * as F from '../functional/distance';
import { Module } from '../module';

/** Cosine similarity of two inputs along `dim` (torch.nn.CosineSimilarity; dim 1, eps 1e-8). */
export class CosineSimilarity extends Module {
  /** The dimension of the vectors (default 1). */
  readonly dim: number;
  /** Lower bound of each vector's norm (default 1e-8). */
  readonly eps: number;

  constructor(opts: F.CosineSimilarityOptions = {}) {
    super();
    this.dim = opts.dim ?? 1;
    this.eps = opts.eps ?? 1e-8;
  }

  /**
   * Cosine similarity of `x1` and `x2`, which broadcast together; `dim` is reduced: [N, D],
   * [N, D] -> [N].
   */
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.cosineSimilarity(x1, x2, { dim: this.dim, eps: this.eps });
  }
}

/** The p-norm of x1 - x2 + eps over the last dim (torch.nn.PairwiseDistance; p 2, eps 1e-6). */
export class PairwiseDistance extends Module {
  /** The norm's order, given as the `p` option (PyTorch's attribute is `norm` too). */
  readonly norm: F.PairwiseDistanceOptions['p'];
  /** Added to every difference before the norm (default 1e-6). */
  readonly eps: number;
  /** Keep the reduced last dim as size 1 (default false). */
  readonly keepdim: boolean;

  constructor(opts: F.PairwiseDistanceOptions = {}) {
    super();
    this.norm = opts.p ?? 2;
    this.eps = opts.eps ?? 1e-6;
    this.keepdim = opts.keepdim ?? false;
  }

  /**
   * The distance between `x1` and `x2`, which broadcast together, over the last dim: [N, D],
   * [N, D] -> [N].
   */
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.pairwiseDistance(x1, x2, { p: this.norm, eps: this.eps, keepdim: this.keepdim });
  }
}
