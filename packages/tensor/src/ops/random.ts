import { refuseComplex, ValueError } from '../errors';
import { defaultGenerator, type Generator } from '../random';
import type { Tensor, TensorLike } from '../tensor';
import { fromArray, normal, rand } from './create';
import * as E from './elementwise';

/** The generator a sampling op draws from; defaultGenerator without one. */
export interface GeneratorOption {
  generator?: Generator;
}

/**
 * Samples uniform in [from, to) of x's shape on its device, float64 for a float64 x and float32
 * otherwise: the source uniform_ copies in.
 */
export function uniformLike(
  x: Tensor,
  from: number,
  to: number,
  opts: GeneratorOption = {},
): Tensor {
  refuseComplex('uniform_', x.dtype);
  const u = rand(x.shape, {
    dtype: x.dtype === 'float64' ? 'float64' : 'float32',
    device: x.device,
    generator: opts.generator,
  });
  return E.add(E.mul(u, to - from), from);
}

/**
 * Normal samples of x's shape on its device, float64 for a float64 x and float32 otherwise: the
 * source normal_ copies in.
 */
export function normalLike(
  x: Tensor,
  mean: number,
  std: number,
  opts: GeneratorOption = {},
): Tensor {
  refuseComplex('normal_', x.dtype);
  return normal(mean, std, x.shape, {
    dtype: x.dtype === 'float64' ? 'float64' : 'float32',
    device: x.device,
    generator: opts.generator,
  });
}

/**
 * A bool tensor of x's shape on its device, each element true with probability `p` (a number or a
 * tensor that broadcasts): the source of bernoulli_ and bernoulli.
 */
export function bernoulliLike(x: Tensor, p: TensorLike, opts: GeneratorOption = {}): Tensor {
  // Drawn on the CPU in float64 (the generator's stream); devices without float64 compare in float32.
  const u = rand(x.shape, { dtype: 'float64', device: 'cpu', generator: opts.generator });
  return E.lt(x.device === 'cpu' ? u : u.float().to(x.device), p);
}

/**
 * Draws 0/1 with the probabilities in `p` (torch.bernoulli), keeping its shape and dtype; the
 * probabilities are checked to lie in [0, 1]. Not differentiable.
 */
export function bernoulli(p: Tensor, opts: GeneratorOption = {}): Tensor {
  refuseComplex('bernoulli', p.dtype);
  const probs = p.dataSync();
  for (const v of probs) {
    if (!(v >= 0 && v <= 1))
      throw new ValueError(`bernoulli: Expected p_in >= 0 && p_in <= 1 to be true, but got ${v}`);
  }
  return bernoulliLike(p, p, opts).to(p.dtype);
}

/** Options of multinomial. */
export interface MultinomialOptions extends GeneratorOption {
  /** Draw with replacement (default false: each index at most once per row). */
  replacement?: boolean;
}

/**
 * Samples indices by the (unnormalized) weights in each row of `probs` (torch.multinomial): int64
 * [numSamples] for a 1-D `probs`, [rows, numSamples] for a 2-D one; without `replacement` an index
 * comes at most once per row.
 */
export function multinomial(
  probs: Tensor,
  numSamples: number,
  opts: MultinomialOptions = {},
): Tensor {
  refuseComplex('multinomial', probs.dtype);
  if (probs.ndim < 1 || probs.ndim > 2)
    throw new ValueError(`multinomial: prob_dist must be 1 or 2 dim, got ${probs.ndim}`);
  const g = opts.generator ?? defaultGenerator;
  const rows = probs.ndim === 1 ? 1 : probs.shape[0];
  const n = probs.shape[probs.ndim - 1];
  if (!opts.replacement && numSamples > n) {
    throw new ValueError(
      `multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement (${numSamples} > ${n})`,
    );
  }
  const w = probs.dataSync();
  const out = new Float64Array(rows * numSamples);
  for (let r = 0; r < rows; r++) {
    const weights = Array.from(w.subarray(r * n, (r + 1) * n));
    if (weights.some((v) => !(v >= 0) || !Number.isFinite(v)))
      throw new ValueError(
        'multinomial: probability tensor contains either `inf`, `nan` or element < 0',
      );
    for (let s = 0; s < numSamples; s++) {
      const total = weights.reduce((a, b) => a + b, 0);
      if (total <= 0)
        throw new ValueError(
          'multinomial: invalid multinomial distribution (sum of probabilities <= 0)',
        );
      let u = g.random() * total;
      let k = 0;
      while (k < n - 1 && (u >= weights[k] || weights[k] === 0)) u -= weights[k++];
      out[r * numSamples + s] = k;
      if (!opts.replacement) weights[k] = 0;
    }
  }
  return fromArray(out, probs.ndim === 1 ? [numSamples] : [rows, numSamples], {
    dtype: 'int64',
    device: probs.device,
  });
}
