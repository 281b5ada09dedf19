/**
 * Activation functions, composed from differentiable tensor ops. Where a branch is computed and
 * then discarded by `where`, its input is clamped first so an overflow there (exp of a large
 * number) cannot turn the discarded branch's zero gradient into NaN.
 */
import * as T from '@tensile/tensor';
import { ValueError } from '@tensile/tensor';

type Tensor = T.Tensor;

/** Options of softmax, logSoftmax and softmin. */
export interface DimOptions {
  /**
   * The dimension that sums to one. Without it, PyTorch's legacy implicit rule applies (and PyTorch
   * warns): dim 0 for 0-, 1- and 3-D inputs, dim 1 otherwise, so pass it.
   */
  dim?: number;
  /**
   * Casts the input to this dtype before the operation (torch's `dtype`), e.g. to compute a float16
   * input's softmax in float32.
   */
  dtype?: T.DType;
}

/** max(0, x), elementwise (torch.nn.functional.relu). */
export const relu = (x: Tensor): Tensor => x.relu();

/** min(max(0, x), 6), elementwise (torch.nn.functional.relu6). */
export const relu6 = (x: Tensor): Tensor => hardtanh(x, 0, 6);

/** x clamped to [minVal, maxVal] (default [-1, 1]), elementwise; throws unless minVal < maxVal. */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (!(minVal < maxVal))
    throw new ValueError(`hardtanh: max_val (${maxVal}) must be greater than min_val (${minVal})`);
  return x.clamp(minVal, maxVal);
}

/** x where x > 0, else negativeSlope * x (default 0.01), elementwise (torch leaky_relu). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return T.where(x.gt(0), x, x.mul(negativeSlope));
}

/** max(0, x) + weight * min(0, x), weight [1] or one per channel (dim 1). */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  const channels = weight.numel();
  if (channels !== 1 && (x.ndim < 2 || x.shape[1] !== channels)) {
    throw new T.ShapeError(
      `prelu: mismatch of parameter numbers and input channel size. Found parameter numbers = ${channels} and channel size = ${x.ndim < 2 ? 1 : x.shape[1]}.`,
    );
  }
  const w =
    channels === 1 || x.ndim < 2
      ? weight.reshape([])
      : weight.reshape([channels, ...Array(x.ndim - 2).fill(1)]);
  return T.where(x.gt(0), x, x.mul(w));
}

/** x where x > 0, else alpha * (exp(x) - 1), elementwise (torch elu; default alpha 1). */
export function elu(x: Tensor, alpha = 1): Tensor {
  return T.where(x.gt(0), x, x.clamp(null, 0).expm1().mul(alpha));
}

/** x where x > 0, else alpha * (exp(x / alpha) - 1), elementwise (torch celu; default alpha 1). */
export function celu(x: Tensor, alpha = 1): Tensor {
  return T.where(x.gt(0), x, x.clamp(null, 0).div(alpha).expm1().mul(alpha));
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * scale * elu(x, alpha) with the self-normalizing constants alpha ≈ 1.6733 and scale ≈ 1.0507
 * (torch selu).
 */
export function selu(x: Tensor): Tensor {
  return elu(x, SELU_ALPHA).mul(SELU_SCALE);
}

/**
 * How gelu computes the normal CDF: 'none' exactly with erf, 'tanh' with the tanh approximation
 * (torch's `approximate`).
 */
export type GeluApproximate = 'none' | 'tanh';

/**
 * x * Φ(x), Φ the standard normal CDF, elementwise (torch gelu); `approximate` defaults to 'none'.
 */
export function gelu(x: Tensor, opts: { approximate?: GeluApproximate } = {}): Tensor {
  const approximate = opts.approximate ?? 'none';
  if (approximate === 'tanh') {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(0.5).mul(inner.tanh().add(1));
  }
  if (approximate !== 'none')
    throw new ValueError(
      `gelu: approximate argument must be either none or tanh, got '${approximate}'`,
    );
  return x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1));
}

/** 1 / (1 + exp(-x)), elementwise (torch sigmoid). */
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();

/** Hyperbolic tangent, elementwise (torch tanh). */
export const tanh = (x: Tensor): Tensor => x.tanh();

/** x * sigmoid(x), elementwise (torch silu, also called swish). */
export const silu = (x: Tensor): Tensor => x.mul(x.sigmoid());

/** log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (PyTorch's cut-off). */
export function softplus(x: Tensor, opts: { beta?: number; threshold?: number } = {}): Tensor {
  const { beta = 1, threshold = 20 } = opts;
  const bx = x.mul(beta);
  return T.where(bx.gt(threshold), x, bx.clamp(null, threshold).exp().log1p().div(beta));
}

/** x * tanh(softplus(x)), elementwise (torch mish). */
export const mish = (x: Tensor): Tensor => x.mul(softplus(x).tanh());

/** clamp(x + 3, 0, 6) / 6, a piecewise-linear sigmoid, elementwise (torch hardsigmoid). */
export const hardsigmoid = (x: Tensor): Tensor => x.add(3).clamp(0, 6).div(6);

/** x * clamp(x + 3, 0, 6) / 6, elementwise (torch hardswish, from MobileNetV3). */
export const hardswish = (x: Tensor): Tensor => x.mul(x.add(3).clamp(0, 6)).div(6);

/** log(sigmoid(x)) computed as min(x, 0) - log1p(exp(-|x|)), stable for any x. */
export const logsigmoid = (x: Tensor): Tensor => x.clamp(null, 0).sub(x.abs().neg().exp().log1p());

/** x / (1 + |x|), elementwise (torch softsign). */
export const softsign = (x: Tensor): Tensor => x.div(x.abs().add(1));

/** x - tanh(x), elementwise (torch tanhshrink). */
export const tanhshrink = (x: Tensor): Tensor => x.sub(x.tanh());

/** x where x > thresholdValue, else `value`, elementwise (torch threshold). */
export function threshold(x: Tensor, thresholdValue: number, value: number): Tensor {
  return T.where(x.gt(thresholdValue), x, T.fullLike(x, value));
}

/** x where |x| > lambd (default 0.5), else 0, elementwise (torch hardshrink). */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  return T.where(x.abs().gt(lambd), x, T.zerosLike(x));
}

/**
 * x moved towards 0 by lambd (default 0.5), and 0 where |x| <= lambd, elementwise (torch
 * softshrink).
 */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  return T.where(x.gt(lambd), x.sub(lambd), T.where(x.lt(-lambd), x.add(lambd), T.zerosLike(x)));
}

/** Gated linear unit: first half of `dim` times the sigmoid of the second half. */
export function glu(x: Tensor, dim = -1): Tensor {
  const d = dim < 0 ? dim + x.ndim : dim;
  if (x.shape[d] % 2 !== 0)
    throw new T.ShapeError(
      `glu: Halving dimension must be even, but dimension ${d} is size ${x.shape[d]}`,
    );
  const [a, b] = x.chunk(2, d);
  return a.mul(b.sigmoid());
}

/** PyTorch's legacy rule when no dim is given: dim 0 for 0-, 1- and 3-D inputs, else dim 1. */
function implicitDim(x: Tensor, dim: number | undefined): number {
  if (dim !== undefined) return dim;
  return x.ndim === 0 || x.ndim === 1 || x.ndim === 3 ? 0 : 1;
}

/** exp(x) normalized to sum to one along `opts.dim` (torch softmax). Pass `dim`: see DimOptions. */
export function softmax(x: Tensor, opts: DimOptions = {}): Tensor {
  const input = opts.dtype ? x.to(opts.dtype) : x;
  return T.softmax(input, implicitDim(x, opts.dim));
}

/**
 * log(softmax(x)) along `opts.dim`, computed stably (torch log_softmax); what nllLoss expects as
 * input.
 */
export function logSoftmax(x: Tensor, opts: DimOptions = {}): Tensor {
  const input = opts.dtype ? x.to(opts.dtype) : x;
  return T.logSoftmax(input, implicitDim(x, opts.dim));
}

/** softmax(-x) along `opts.dim` (torch softmin). */
export function softmin(x: Tensor, opts: DimOptions = {}): Tensor {
  return softmax(x.neg(), opts);
}
