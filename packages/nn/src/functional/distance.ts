/**
 * Distances between vectors (torch.nn.functional.cosine_similarity, pairwise_distance, pdist),
 * composed from differentiable tensor ops.
 */
import {
  broadcastShapes,
  DTypeError,
  isFloating,
  type NormOrder,
  noGrad,
  resultType,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@tensile/tensor';

/** Options of cosineSimilarity and CosineSimilarity. */
export interface CosineSimilarityOptions {
  /** The dimension of the vectors (default 1, so [N, D] inputs give [N]). */
  dim?: number;
  /** Lower bound of each vector's norm, to avoid dividing by zero (default 1e-8). */
  eps?: number;
}

/** Options of pairwiseDistance and PairwiseDistance. */
export interface PairwiseDistanceOptions {
  /** The norm's order (default 2). */
  p?: NormOrder;
  /**
   * Added to every difference before the norm, so the gradient at x1 = x2 stays finite (default
   * 1e-6).
   */
  eps?: number;
  /** Keep the reduced last dim as size 1 (default false). */
  keepdim?: boolean;
}

/**
 * Cosine of the angle between x1 and x2 along `dim`, after broadcasting them together
 * (torch.nn.functional.cosine_similarity). As in PyTorch 1.13, each squared norm is clamped to
 * at least eps^2 without recording, so near zero the gradient is that of x / sqrt(sum(x^2)).
 */
export function cosineSimilarity(
  x1: Tensor,
  x2: Tensor,
  opts: CosineSimilarityOptions = {},
): Tensor {
  const { dim = 1, eps = 1e-8 } = opts;
  const dtype = resultType(x1, x2);
  if (!isFloating(dtype))
    throw new DTypeError(
      `cosineSimilarity: expected common dtype to be floating point, yet common dtype is ${dtype}`,
    );
  const shape = broadcastShapes('cosineSimilarity', x1.shape, x2.shape);
  const [a, b] = [x1, x2].map((x) => x.to(dtype).expand(shape));
  const unit = (x: Tensor) => {
    const squaredNorm = x.square().sum(dim, { keepdim: true });
    noGrad(() => squaredNorm.clamp_(eps * eps));
    return x.div(squaredNorm.sqrt());
  };
  return unit(a).mul(unit(b)).sum(dim);
}

/**
 * The p-norm of x1 - x2 + eps over the last dim (torch.nn.functional.pairwise_distance); the
 * inputs broadcast against each other.
 */
export function pairwiseDistance(
  x1: Tensor,
  x2: Tensor,
  opts: PairwiseDistanceOptions = {},
): Tensor {
  const { p = 2, eps = 1e-6, keepdim = false } = opts;
  const lastDim = Math.max(x1.ndim, x2.ndim) - 1;
  return x1.sub(x2).add(eps).norm(p, Math.max(lastDim, 0), { keepdim });
}

/**
 * The p-norm distance between every pair of rows i < j of an [N, M] input, in row-major order
 * of the pairs: N*(N-1)/2 values (torch.nn.functional.pdist).
 */
export function pdist(input: Tensor, p = 2): Tensor {
  if (input.ndim !== 2) throw new ShapeError(`pdist only supports 2D tensors, got: ${input.ndim}D`);
  if (!isFloating(input.dtype)) throw new DTypeError('pdist only supports floating-point dtypes');
  if (!(p >= 0)) throw new ValueError('pdist only supports non-negative p values');
  const n = input.shape[0];
  const [left, right]: number[][] = [[], []];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      left.push(i);
      right.push(j);
    }
  }
  const rows = (idx: number[]) =>
    input.indexSelect(0, tensor(idx, { dtype: 'int64', device: input.device }));
  return rows(left).sub(rows(right)).norm(p, 1);
}
