import type { Tensor } from '@tensile/tensor';
import * as F from '../functional/distance';
import { Module } from '../module';

/** Cosine similarity of two inputs along `dim` (torch.nn.CosineSimilarity; dim 1, eps 1e-8). */
export class CosineSimilarity extends Module {
  readonly dim: number;
  readonly eps: number;

  constructor(opts: F.CosineSimilarityOptions = {}) {
    super();
    this.dim = opts.dim ?? 1;
    this.eps = opts.eps ?? 1e-8;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.cosineSimilarity(x1, x2, { dim: this.dim, eps: this.eps });
  }
}

/** The p-norm of x1 - x2 + eps over the last dim (torch.nn.PairwiseDistance; p 2, eps 1e-6). */
export class PairwiseDistance extends Module {
  readonly norm: F.PairwiseDistanceOptions['p'];
  readonly eps: number;
  readonly keepdim: boolean;

  constructor(opts: F.PairwiseDistanceOptions = {}) {
    super();
    this.norm = opts.p ?? 2;
    this.eps = opts.eps ?? 1e-6;
    this.keepdim = opts.keepdim ?? false;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.pairwiseDistance(x1, x2, { p: this.norm, eps: this.eps, keepdim: this.keepdim });
  }
}
