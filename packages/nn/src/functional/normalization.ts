/**
 * Normalization functions (torch.nn.functional.batch_norm and friends), composed from
 * differentiable tensor ops: each standardizes over some dims with the biased variance, then
 * applies a per-channel affine. Running statistics are updated in place without recording.
 */
import {
  batchNormTraining,
  fmtShape,
  noGrad,
  ShapeError,
  type Tensor,
  ValueError,
} from '@tensile/tensor';
import { pad } from './vision';

/** The per-channel affine and eps shared by the normalization functions. */
export interface AffineOptions {
  /**
   * Scale applied after standardizing: [C] for the channel norms, normalizedShape for layerNorm;
   * none by default.
   */
  weight?: Tensor | null;
  /** Shift applied after the scale, shaped like `weight`; none by default. */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** Options of batchNorm (torch's weight, bias, training, momentum, eps). */
export interface BatchNormOptions extends AffineOptions {
  /** Normalize with the batch's statistics (and update the running ones); default false. */
  training?: boolean;
  /**
   * Weight of this batch's statistics when updating the running ones:
   * running = (1 - m) * running + m * batch (default 0.1). Keras's BatchNormalization momentum is 1
   * minus this.
   */
  momentum?: number;
}

/**
 * Options of instanceNorm (torch's running_mean, running_var, use_input_stats, momentum, eps, and
 * the affine).
 */
export interface InstanceNormOptions extends AffineOptions {
  /** [C] running mean, updated in place while using input statistics; none by default. */
  runningMean?: Tensor | null;
  /**
   * [C] running (unbiased) variance, updated in place while using input statistics; none by
   * default.
   */
  runningVar?: Tensor | null;
  /** Normalize with each instance's statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
  /** Weight of this batch's statistics in the running ones (default 0.1). */
  momentum?: number;
}

/** Options of normalize. */
export interface NormalizeOptions {
  /** The norm's order (default 2). */
  p?: number;
  /** The dimension normalized (default 1). */
  dim?: number;
  /** Lower bound of the norm, to avoid dividing by zero (default 1e-12). */
  eps?: number;
}

/** Options of localResponseNorm and LocalResponseNorm. */
export interface LocalResponseNormOptions {
  /** Multiplier of the mean of squares (default 1e-4). */
  alpha?: number;
  /** Exponent of the divisor (default 0.75). */
  beta?: number;
  /** Additive constant of the divisor (default 1). */
  k?: number;
}

interface Standardized {
  out: Tensor;
  mean: Tensor;
  /** The biased variance, keepdim over `dims`. */
  var: Tensor;
}

/** (x - mean) / sqrt(var + eps) over `dims`, with the biased variance as PyTorch's kernels. */
function standardize(x: Tensor, dims: number[], eps: number): Standardized {
  const mean = x.mean(dims, { keepdim: true });
  const centered = x.sub(mean);
  const variance = centered.square().mean(dims, { keepdim: true });
  return { out: centered.mul(variance.add(eps).rsqrt()), mean, var: variance };
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** A per-channel vector shaped to broadcast against dim 1 of an ndim-D input: [1, C, 1, ...]. */
function perChannel(v: Tensor, ndim: number): Tensor {
  return v.reshape([1, v.numel(), ...Array(Math.max(0, ndim - 2)).fill(1)]);
}

function affine(x: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined) {
  const scaled = weight ? x.mul(perChannel(weight, x.ndim)) : x;
  return bias ? scaled.add(perChannel(bias, x.ndim)) : scaled;
}

/** running = (1 - momentum) * running + momentum * batchStat, without recording. */
function updateRunning(running: Tensor | null | undefined, stat: Tensor, momentum: number) {
  if (!running) return;
  noGrad(() => running.mul_(1 - momentum).add_(stat.detach().reshape(running.shape).mul(momentum)));
}

function checkChannels(op: string, input: Tensor, named: [string, Tensor | null | undefined][]) {
  if (input.ndim < 2)
    throw new ValueError(`${op}: expected at least 2D input (got ${input.ndim}D input)`);
  const channels = input.shape[1];
  for (const [name, t] of named) {
    if (t && t.numel() !== channels)
      throw new ShapeError(
        `${op}: ${name} should contain ${channels} elements not ${t.numel()} (input of shape ${fmtShape(input.shape)})`,
      );
  }
}

/** PyTorch refuses to compute batch statistics from a single value per channel. */
function checkBatchSize(input: Tensor): void {
  if (input.numel() / input.shape[1] === 1)
    throw new ValueError(
      `Expected more than 1 value per channel when training, got input size ${fmtShape(input.shape)}`,
    );
}

/**
 * Batch normalization over dim 1 of an [N, C, ...] input (torch.nn.functional.batch_norm). In
 * training, normalizes with the batch mean and biased variance and moves the running statistics
 * (if given) toward the batch mean and unbiased variance by `momentum`; otherwise uses them.
 * `training` defaults to false, as in PyTorch, and then both running statistics are required.
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  opts: BatchNormOptions = {},
): Tensor {
  const { weight, bias, training = false, momentum = 0.1, eps = 1e-5 } = opts;
  checkChannels('batchNorm', input, [
    ['running_mean', runningMean],
    ['running_var', runningVar],
    ['weight', weight],
    ['bias', bias],
  ]);
  if (!training) {
    if (!runningMean || !runningVar)
      throw new ValueError(
        'batchNorm: running_mean and running_var must be defined in evaluation mode',
      );
    const normalized = input
      .sub(perChannel(runningMean, input.ndim))
      .mul(perChannel(runningVar, input.ndim).add(eps).rsqrt());
    return affine(normalized, weight, bias);
  }
  checkBatchSize(input);
  const n = input.numel() / input.shape[1];
  const fused = weight && bias ? batchNormTraining(input, weight, bias, eps) : null;
  if (fused) {
    // The kernel's statistics: the biased variance back from invstd = 1 / sqrt(var + eps).
    updateRunning(runningMean, fused.mean, momentum);
    const variance = () => fused.invstd.square().reciprocal().sub(eps);
    if (runningVar) updateRunning(runningVar, noGrad(variance).mul(n / (n - 1)), momentum);
    return fused.out;
  }
  const dims = [0, ...range(2, input.ndim)];
  const s = standardize(input, dims, eps);
  updateRunning(runningMean, s.mean, momentum);
  updateRunning(runningVar, s.var.mul(n / (n - 1)), momentum);
  return affine(s.out, weight, bias);
}

/**
 * Instance normalization: each channel of each sample standardized over its spatial dims
 * (torch.nn.functional.instance_norm). Running statistics, when given, follow the batch average
 * of the per-instance statistics.
 */
export function instanceNorm(input: Tensor, opts: InstanceNormOptions = {}): Tensor {
  const { runningMean, runningVar, weight, bias, useInputStats = true } = opts;
  const { momentum = 0.1, eps = 1e-5 } = opts;
  if (!useInputStats)
    return batchNorm(input, runningMean ?? null, runningVar ?? null, { weight, bias, eps });
  checkChannels('instanceNorm', input, [
    ['running_mean', runningMean],
    ['running_var', runningVar],
    ['weight', weight],
    ['bias', bias],
  ]);
  const spatial = input.numel() / (input.shape[0] * input.shape[1]);
  if (spatial === 1)
    throw new ValueError(
      `Expected more than 1 spatial element when training, got input size ${fmtShape(input.shape)}`,
    );
  const s = standardize(input, range(2, input.ndim), eps);
  const batchAverage = (stat: Tensor) => stat.reshape(input.shape.slice(0, 2)).mean(0);
  updateRunning(runningMean, batchAverage(s.mean), momentum);
  updateRunning(runningVar, batchAverage(s.var).mul(spatial / (spatial - 1)), momentum);
  return affine(s.out, weight, bias);
}

/**
 * Standardizes over the trailing dims `normalizedShape`, each sample on its own
 * (torch.nn.functional.layer_norm): [*, ...normalizedShape] -> the same shape; weight and bias
 * are shaped normalizedShape.
 */
export function layerNorm(
  input: Tensor,
  normalizedShape: readonly number[],
  opts: AffineOptions = {},
): Tensor {
  const { weight, bias, eps = 1e-5 } = opts;
  const k = normalizedShape.length;
  const trailing = input.shape.slice(input.ndim - k);
  if (k === 0 || input.ndim < k || trailing.join() !== normalizedShape.join()) {
    throw new ShapeError(
      `layerNorm: Given normalized_shape=${fmtShape(normalizedShape)}, expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size${fmtShape(input.shape)}`,
    );
  }
  const { out } = standardize(input, range(input.ndim - k, input.ndim), eps);
  const scaled = weight ? out.mul(weight) : out;
  return bias ? scaled.add(bias) : scaled;
}

/**
 * Splits the channels (dim 1) into `numGroups` groups and standardizes each group of each
 * sample over its channels and spatial dims (torch.nn.functional.group_norm).
 */
export function groupNorm(input: Tensor, numGroups: number, opts: AffineOptions = {}): Tensor {
  const { weight, bias, eps = 1e-5 } = opts;
  if (input.ndim < 2 || input.shape[1] % numGroups !== 0) {
    throw new ShapeError(
      `groupNorm: Expected number of channels in input to be divisible by num_groups, but got input of shape ${fmtShape(input.shape)} and num_groups=${numGroups}`,
    );
  }
  checkChannels('groupNorm', input, [
    ['weight', weight],
    ['bias', bias],
  ]);
  const grouped = input.reshape([input.shape[0], numGroups, -1]);
  const { out } = standardize(grouped, [2], eps);
  return affine(out.reshape(input.shape), weight, bias);
}

/** x / max(||x||_p, eps) along `dim` (torch.nn.functional.normalize). */
export function normalize(input: Tensor, opts: NormalizeOptions = {}): Tensor {
  const { p = 2, dim = 1, eps = 1e-12 } = opts;
  return input.div(input.norm(p, dim, { keepdim: true }).clamp(eps));
}

/**
 * Divides each element by (k + alpha * mean of squares over `size` neighbouring channels)^beta,
 * the window zero-padded at the ends (torch.nn.functional.local_response_norm).
 */
export function localResponseNorm(
  input: Tensor,
  size: number,
  opts: LocalResponseNormOptions = {},
): Tensor {
  const { alpha = 1e-4, beta = 0.75, k = 1 } = opts;
  if (input.ndim < 3)
    throw new ValueError(
      `localResponseNorm: Expected 3D or higher dimensionality input (got ${input.ndim} dimensions)`,
    );
  if (input.numel() === 0) return input;
  const channels = input.shape[1];
  // pad() lists dims last-first: nothing for the spatial dims, then the channel dim.
  const spatial = Array(2 * (input.ndim - 2)).fill(0);
  const padded = pad(input.square(), [
    ...spatial,
    Math.floor(size / 2),
    Math.floor((size - 1) / 2),
  ]);
  let windowSum = padded.narrow(1, 0, channels);
  for (let i = 1; i < size; i++) windowSum = windowSum.add(padded.narrow(1, i, channels));
  const div = windowSum
    .mul(alpha / size)
    .add(k)
    .pow(beta);
  return input.div(div);
}
