/**
 * Lookup tables (torch.nn.functional.embedding, one_hot). The lookup is an indexSelect of rows;
 * padding rows and gradient scaling by frequency are applied by a hook on the looked-up rows'
 * gradient, so the values stay exactly the weight's.
 */
import {
  DTypeError,
  IndexError,
  noGrad,
  type Tensor,
  tensor,
  oneHot as tensorOneHot,
  ValueError,
  where,
} from '@tensile/tensor';

/** Options of embedding (torch's padding_idx, max_norm, norm_type, scale_grad_by_freq). */
export interface EmbeddingOptions {
  /** A row that is looked up but receives no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Rows looked up with a larger normType-norm are first rescaled in place to this norm. */
  maxNorm?: number | null;
  /** The p of the p-norm that maxNorm bounds (default 2). */
  normType?: number;
  /** Divide each row's gradient by how often its index occurs in the input. */
  scaleGradByFreq?: boolean;
}

/** paddingIdx as a row number, checked against the table size (PyTorch's assertion). */
function resolvePaddingIdx(paddingIdx: number | null | undefined, numEmbeddings: number) {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)
    throw new ValueError(
      `Padding_idx must be within num_embeddings (padding_idx=${paddingIdx}, num_embeddings=${numEmbeddings})`,
    );
  return paddingIdx < 0 ? numEmbeddings + paddingIdx : paddingIdx;
}

function checkIndices(input: Tensor, numEmbeddings: number): number[] {
  if (input.dtype !== 'int64' && input.dtype !== 'int32')
    throw new DTypeError(
      `embedding: Expected tensor for argument #1 'indices' to have one of the following scalar types: int64, int32; but got ${input.dtype} instead`,
    );
  const ids = Array.from(input.dataSync(), Number);
  for (const i of ids) {
    if (i < 0 || i >= numEmbeddings)
      throw new IndexError(
        `embedding: index ${i} is out of range for num_embeddings=${numEmbeddings} (index out of range in self)`,
      );
  }
  return ids;
}

/**
 * PyTorch's embedding_renorm_: rows used by the input whose norm exceeds maxNorm scaled down to
 * it.
 */
function renorm(weight: Tensor, ids: number[], maxNorm: number, normType: number): void {
  const rows = tensor(
    [...new Set(ids)].sort((a, b) => a - b),
    { dtype: 'int64', device: weight.device },
  );
  noGrad(() => {
    const selected = weight.indexSelect(0, rows);
    const norms = selected.norm(normType, 1, { keepdim: true });
    const scale = where(norms.gt(maxNorm), norms.add(1e-7).reciprocal().mul(maxNorm), 1);
    const index = rows.unsqueeze(1).expand([rows.numel(), weight.shape[1]]);
    weight.scatter_(0, index, selected.mul(scale));
  });
}

/** Per looked-up row: 0 for the padding row, else 1 or 1/frequency of its index. */
function gradFactors(ids: number[], paddingIdx: number | null, byFreq: boolean): number[] {
  const counts = new Map<number, number>();
  if (byFreq) for (const i of ids) counts.set(i, (counts.get(i) ?? 0) + 1);
  return ids.map((i) => (i === paddingIdx ? 0 : byFreq ? 1 / (counts.get(i) ?? 1) : 1));
}

/**
 * Looks up the rows of `weight` ([numEmbeddings, dim]) at the indices in `input` (any shape,
 * int64 or int32): the result has shape [...input.shape, dim] (torch.nn.functional.embedding).
 */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  if (weight.ndim !== 2)
    throw new ValueError(`embedding: 'weight' must be 2-D, got ${weight.ndim}D`);
  const [numEmbeddings, dim] = weight.shape;
  const paddingIdx = resolvePaddingIdx(opts.paddingIdx, numEmbeddings);
  const ids = checkIndices(input, numEmbeddings);
  if (opts.maxNorm !== null && opts.maxNorm !== undefined)
    renorm(weight, ids, opts.maxNorm, opts.normType ?? 2);
  const rows = weight.indexSelect(0, input.reshape([-1]).to('int64'));
  if (rows.requiresGrad && (paddingIdx !== null || opts.scaleGradByFreq)) {
    const factors = tensor(gradFactors(ids, paddingIdx, !!opts.scaleGradByFreq), {
      dtype: weight.dtype,
      device: weight.device,
    }).unsqueeze(1);
    rows.registerHook((grad) => grad.mul(factors));
  }
  return rows.reshape([...input.shape, dim]);
}

/**
 * [...shape] int64 class indices -> [...shape, numClasses] int64 one-hot rows
 * (torch.nn.functional.one_hot); numClasses -1 means max(input) + 1.
 */
export function oneHot(input: Tensor, numClasses = -1): Tensor {
  return tensorOneHot(input, numClasses);
}
