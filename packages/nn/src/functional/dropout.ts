/**
 * Dropout (torch.nn.functional.dropout and its channel-wise and SELU-preserving variants). The
 * input is multiplied by a 0/1 mask drawn without recording, so its gradient is mask * scale.
 */
import { emptyLike, type Generator, type Tensor, ValueError, zeros } from '@tensile/tensor';

/** Options of the dropout functions (torch's p, training, inplace), plus a generator. */
export interface DropoutOptions {
  /** Probability of an element (or channel) being zeroed; default 0.5. */
  p?: number;
  /** Drop only while training; default true (false for the alpha variants, as in PyTorch). */
  training?: boolean;
  /** Multiply the input in place and return it. */
  inplace?: boolean;
  /** Source of the mask's randomness (default: the global generator). */
  generator?: Generator;
}

/** SELU's negative saturation value, -lambda * alpha, as a positive number. */
const SELU_SATURATION = 1.7580993408473766;

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1))
    throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
}

/** How many leading dims get their own mask entry; the mask broadcasts over the rest. */
type MaskDims = number | 'all';

/** A Bernoulli(1 - p) keep-mask in the input's dtype, one entry per index of the leading dims. */
function keepMask(input: Tensor, dims: MaskDims, p: number, generator?: Generator): Tensor {
  if (dims === 'all') return emptyLike(input).bernoulli_(1 - p, { generator });
  if (input.ndim < dims)
    throw new ValueError(
      `Feature dropout requires at least 2 dimensions in the input, got ${input.ndim}D input`,
    );
  const shape = input.shape.map((s, i) => (i < dims ? s : 1));
  return zeros(shape, { dtype: input.dtype, device: input.device }).bernoulli_(1 - p, {
    generator,
  });
}

/** PyTorch's _dropout_impl: plain or alpha, per element or per channel. */
function dropoutImpl(input: Tensor, opts: DropoutOptions, alpha: boolean, dims: MaskDims) {
  const { p = 0.5, inplace = false, generator } = opts;
  const training = opts.training ?? !alpha;
  checkProbability(p);
  if (p === 0 || !training || input.numel() === 0) return input;
  const scale = (factor: Tensor | number) => (inplace ? input.mul_(factor) : input.mul(factor));
  if (p === 1) return scale(0);
  const mask = keepMask(input, dims, p, generator);
  if (!alpha) return scale(mask.div(1 - p));
  // Dropped units become the saturation value, then a * x + b restores mean 0 and variance 1.
  const a = 1 / Math.sqrt((SELU_SATURATION * SELU_SATURATION * p + 1) * (1 - p));
  const b = mask
    .sub(1)
    .mul(SELU_SATURATION * a)
    .add(SELU_SATURATION * a * p);
  return inplace ? scale(mask.mul(a)).add_(b) : scale(mask.mul(a)).add(b);
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1-p)
 * (torch.nn.functional.dropout). Unlike the Dropout layer, it drops unless `training: false`.
 */
export function dropout(input: Tensor, opts: DropoutOptions = {}): Tensor {
  return dropoutImpl(input, opts, false, 'all');
}

/**
 * Zeroes whole channels: dim 1 of [N, C, ...spatial] or, for input without the batch dim (one
 * dim fewer than `batched`), dim 0.
 */
function channelDropout(op: string, input: Tensor, batched: number, opts: DropoutOptions) {
  checkProbability(opts.p ?? 0.5);
  if (input.ndim !== batched && input.ndim !== batched - 1)
    throw new ValueError(
      `${op}: Expected ${batched - 1}D or ${batched}D input, but received a ${input.ndim}D input`,
    );
  return dropoutImpl(input, opts, false, input.ndim === batched ? 2 : 1);
}

/** Channel dropout for [N, C, L] or [C, L] input (torch.nn.functional.dropout1d). */
export function dropout1d(input: Tensor, opts: DropoutOptions = {}): Tensor {
  return channelDropout('dropout1d', input, 3, opts);
}

/**
 * Channel dropout for [N, C, H, W] or [C, H, W] input (torch.nn.functional.dropout2d). A 3-D
 * input is one unbatched image, where PyTorch 1.13 warns and treats it as [N, C, L].
 */
export function dropout2d(input: Tensor, opts: DropoutOptions = {}): Tensor {
  return channelDropout('dropout2d', input, 4, opts);
}

/** Channel dropout for [N, C, D, H, W] or [C, D, H, W] input (torch.nn.functional.dropout3d). */
export function dropout3d(input: Tensor, opts: DropoutOptions = {}): Tensor {
  return channelDropout('dropout3d', input, 5, opts);
}

/**
 * Dropout for SELU networks (torch.nn.functional.alpha_dropout): dropped elements take SELU's
 * saturation value and an affine map keeps the mean and variance. `training` defaults to false.
 */
export function alphaDropout(input: Tensor, opts: DropoutOptions = {}): Tensor {
  return dropoutImpl(input, opts, true, 'all');
}

/** alphaDropout of whole channels (torch.nn.functional.feature_alpha_dropout). */
export function featureAlphaDropout(input: Tensor, opts: DropoutOptions = {}): Tensor {
  return dropoutImpl(input, opts, true, 2);
}
