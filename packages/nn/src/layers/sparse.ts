import { empty, noGrad, type Tensor, ValueError } from '@tensile/tensor';
import * as F from '../functional/sparse';
import { normal_ } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { type FactoryOptions, pyBool, pyFloat } from './options';

/**
 * Options of Embedding: F.EmbeddingOptions, an optional initial weight, and the factory options.
 */
export interface EmbeddingOptions extends F.EmbeddingOptions, FactoryOptions {
  /** Use this [numEmbeddings, embeddingDim] tensor (shared, not copied) as the weight. */
  weight?: Tensor;
}

/** Options of Embedding.fromPretrained: F.EmbeddingOptions plus `freeze`. */
export interface FromPretrainedOptions extends F.EmbeddingOptions {
  /** Keep the weight fixed (requiresGrad false); default true. */
  freeze?: boolean;
}

/**
 * A table of numEmbeddings vectors of size embeddingDim, looked up by index (torch.nn.Embedding).
 * The weight starts N(0, 1), with the paddingIdx row (if any) zero; that row never receives
 * gradient.
 */
export class Embedding extends Module {
  /** The table, [numEmbeddings, embeddingDim]. */
  weight: Parameter;
  /** The row that gets no gradient, as a non-negative row number, or null. */
  readonly paddingIdx: number | null;
  /** Rows looked up with a larger norm are rescaled in place to this norm, or null for no limit. */
  readonly maxNorm: number | null;
  /** The p of the norm maxNorm bounds (default 2). */
  readonly normType: number;
  /** Whether each row's gradient is divided by how often its index occurs in the batch. */
  readonly scaleGradByFreq: boolean;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    opts: EmbeddingOptions = {},
  ) {
    super();
    const pad = opts.paddingIdx ?? null;
    if (pad !== null && (pad >= numEmbeddings || pad < -numEmbeddings))
      throw new ValueError(
        `Embedding: Padding_idx must be within num_embeddings (got padding_idx=${pad}, num_embeddings=${numEmbeddings})`,
      );
    this.paddingIdx = pad !== null && pad < 0 ? numEmbeddings + pad : pad;
    this.maxNorm = opts.maxNorm ?? null;
    this.normType = opts.normType ?? 2;
    this.scaleGradByFreq = opts.scaleGradByFreq ?? false;
    if (opts.weight) {
      const shape = opts.weight.shape;
      if (shape.length !== 2 || shape[0] !== numEmbeddings || shape[1] !== embeddingDim)
        throw new ValueError(
          `Embedding: Shape of weight does not match num_embeddings and embedding_dim (weight [${shape.join(', ')}], expected [${numEmbeddings}, ${embeddingDim}])`,
        );
      this.weight = new Parameter(opts.weight);
    } else {
      this.weight = new Parameter(empty([numEmbeddings, embeddingDim], opts));
      this.resetParameters();
    }
  }

  /**
   * Builds an Embedding around `embeddings` ([numEmbeddings, embeddingDim], shared, not copied),
   * frozen (requiresGrad false) unless `freeze: false` (torch from_pretrained).
   */
  static fromPretrained(embeddings: Tensor, opts: FromPretrainedOptions = {}): Embedding {
    if (embeddings.ndim !== 2)
      throw new ValueError(
        'Embedding.fromPretrained: Embeddings parameter is expected to be 2-dimensional',
      );
    const { freeze = true, ...rest } = opts;
    const [rows, cols] = embeddings.shape;
    const m = new Embedding(rows, cols, { ...rest, weight: embeddings });
    m.weight.requiresGrad_(!freeze);
    return m;
  }

  /** Re-draws the weight from N(0, 1) and zeroes the paddingIdx row. */
  resetParameters(): void {
    normal_(this.weight);
    const pad = this.paddingIdx;
    if (pad !== null) noGrad(() => this.weight.select(0, pad).fill_(0));
  }

  /**
   * Looks up integer indices (int64 or int32) of any shape: [*] -> [*, embeddingDim]. An index out
   * of range throws IndexError.
   */
  override forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, {
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
    });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += `, scale_grad_by_freq=${pyBool(true)}`;
    return s;
  }
}
