import { defaultGenerator, type Generator, Tensor, ValueError } from '@tensile/tensor';
import { checkPositiveInt } from './permutation';
import { Sampler } from './sampler';

export interface WeightedRandomSamplerOptions {
  /** With replacement (the default) an index can be drawn many times per epoch. */
  replacement?: boolean;
  generator?: Generator;
}

function toWeights(weights: ArrayLike<number> | Tensor): Float64Array {
  if (weights instanceof Tensor && weights.shape.length !== 1) {
    throw new ValueError(
      `weights should be a 1d sequence but given weights have shape [${weights.shape.join(', ')}]`,
    );
  }
  const w = Float64Array.from(weights instanceof Tensor ? weights.dataSync() : weights);
  if (w.some((x) => !(x >= 0) || !Number.isFinite(x))) {
    throw new ValueError('weights should be finite and non-negative');
  }
  if (!w.some((x) => x > 0))
    throw new ValueError('weights should have at least one positive entry');
  return w;
}

/** Indices drawn with probability proportional to `weights` (torch.utils.data.WeightedRandomSampler). */
export class WeightedRandomSampler extends Sampler {
  readonly weights: Float64Array;
  readonly numSamples: number;
  readonly replacement: boolean;
  readonly generator: Generator | undefined;

  constructor(
    weights: ArrayLike<number> | Tensor,
    numSamples: number,
    opts: WeightedRandomSamplerOptions = {},
  ) {
    super();
    const { replacement = true, generator } = opts;
    checkPositiveInt(numSamples, 'numSamples');
    if (typeof replacement !== 'boolean') {
      throw new TypeError(
        `replacement should be a boolean value, but got replacement=${replacement}`,
      );
    }
    this.weights = toWeights(weights);
    const positive = this.weights.filter((x) => x > 0).length;
    if (!replacement && numSamples > positive) {
      throw new ValueError(
        `cannot sample numSamples=${numSamples} > ${positive} indices with non-zero weight without replacement`,
      );
    }
    this.numSamples = numSamples;
    this.replacement = replacement;
    this.generator = generator;
  }

  get length(): number {
    return this.numSamples;
  }

  [Symbol.iterator](): Iterator<number> {
    const g = this.generator ?? defaultGenerator;
    const drawn = this.replacement ? this.withReplacement(g) : this.withoutReplacement(g);
    return drawn[Symbol.iterator]();
  }

  /** Inverse-CDF sampling: one uniform draw and a binary search per index. */
  private withReplacement(g: Generator): number[] {
    const cdf = new Float64Array(this.weights.length);
    let total = 0;
    this.weights.forEach((w, i) => {
      total += w;
      cdf[i] = total;
    });
    return Array.from({ length: this.numSamples }, () => {
      const u = g.random() * total;
      let lo = 0;
      let hi = cdf.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    });
  }

  /** Efraimidis-Spirakis: the numSamples largest keys u^(1/w) are a weighted draw without replacement. */
  private withoutReplacement(g: Generator): number[] {
    const keyed: [number, number][] = [];
    this.weights.forEach((w, i) => {
      if (w > 0) keyed.push([Math.log(g.random()) / w, i]);
    });
    keyed.sort((a, b) => b[0] - a[0]);
    return keyed.slice(0, this.numSamples).map(([, i]) => i);
  }
}
