/**
 * Loss functions with PyTorch's reductions, class-index checks and numerically stable forms
 * (log-softmax for cross entropy, log-sum-exp for BCE with logits, log clamped at -100 for BCE).
 */
import { Function as AutogradFunction, type FunctionCtx } from '@tensile/autograd';
import {
  broadcastShapes,
  fmtShape,
  IndexError,
  ShapeError,
  type Tensor,
  ValueError,
  where,
  zerosLike,
} from '@tensile/tensor';
import { logSoftmax } from './activation';

/**
 * How a loss reduces its per-element values (torch's `reduction`): 'none' keeps them, 'mean'
 * averages them, 'sum' adds them. PyTorch's deprecated size_average and reduce flags have no
 * counterpart.
 */
export type Reduction = 'none' | 'mean' | 'sum';

/** Options of every loss. */
export interface ReductionOptions {
  /** Default 'mean'. */
  reduction?: Reduction;
}

/** Options of the losses that take a rescaling weight. */
export interface WeightedOptions extends ReductionOptions {
  /** A weight per class (cross entropy, NLL) or per element (BCE). */
  weight?: Tensor | null;
}

/** Options of the losses over class indices (nllLoss, crossEntropy). */
export interface ClassOptions extends WeightedOptions {
  /**
   * A target value that counts for nothing: no loss, no gradient, and no share of the 'mean'
   * denominator (default -100, as in PyTorch).
   */
  ignoreIndex?: number;
}

/** Options of crossEntropy and CrossEntropyLoss. */
export interface CrossEntropyOptions extends ClassOptions {
  /**
   * In [0, 1]: the target becomes (1 - s) * target + s / C, C the number of classes (default 0).
   */
  labelSmoothing?: number;
}

function reduce(loss: Tensor, reduction: Reduction = 'mean'): Tensor {
  switch (reduction) {
    case 'none':
      return loss;
    case 'mean':
      return loss.mean();
    case 'sum':
      return loss.sum();
    default:
      throw new ValueError(`${reduction} is not a valid value for reduction`);
  }
}

/** Elementwise losses broadcast input and target as PyTorch does (it only warns on a mismatch). */
function pairwise(op: string, input: Tensor, target: Tensor): void {
  broadcastShapes(op, input.shape, target.shape);
}

/**
 * (input - target)^2, reduced (torch.nn.functional.mse_loss). Input and target broadcast together;
 * PyTorch does the same with a warning.
 */
export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  pairwise('mse_loss', input, target);
  return reduce(input.sub(target).square(), opts.reduction);
}

/**
 * |input - target|, reduced (torch.nn.functional.l1_loss). Input and target broadcast together;
 * PyTorch does the same with a warning.
 */
export function l1Loss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  pairwise('l1_loss', input, target);
  return reduce(input.sub(target).abs(), opts.reduction);
}

/**
 * 0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere, d = input - target, reduced
 * (torch.nn.functional.smooth_l1_loss; beta default 1, and beta 0 is the L1 loss).
 */
export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  opts: ReductionOptions & { beta?: number } = {},
): Tensor {
  pairwise('smooth_l1_loss', input, target);
  const beta = opts.beta ?? 1;
  if (beta < 0) throw new ValueError('smooth_l1_loss does not support negative values for beta.');
  const d = input.sub(target).abs();
  if (beta === 0) return reduce(d, opts.reduction);
  return reduce(where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta)), opts.reduction);
}

/**
 * 0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere, d = input - target, reduced
 * (torch.nn.functional.huber_loss; delta default 1): delta times smoothL1Loss with beta = delta.
 */
export function huberLoss(
  input: Tensor,
  target: Tensor,
  opts: ReductionOptions & { delta?: number } = {},
): Tensor {
  pairwise('huber_loss', input, target);
  const delta = opts.delta ?? 1;
  if (delta <= 0)
    throw new ValueError('huber_loss does not support non-positive values for delta.');
  const d = input.sub(target).abs();
  return reduce(
    where(d.lt(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)),
    opts.reduction,
  );
}

/** [N, C, d1, ...] input and [N, d1, ...] class indices (or one unbatched [C] input and a scalar). */
function checkClassTarget(op: string, input: Tensor, target: Tensor): void {
  if (target.dtype !== 'int64' && target.dtype !== 'int32' && target.dtype !== 'uint8') {
    throw new ValueError(
      `${op}: expected target of class indices to have an integer dtype, but got ${target.dtype}`,
    );
  }
  if (input.ndim < 1)
    throw new ShapeError(
      `${op}: input tensor should be 1D or more, but got ${fmtShape(input.shape)}`,
    );
  const expected = input.ndim === 1 ? [] : [input.shape[0], ...input.shape.slice(2)];
  if (input.ndim >= 2 && target.ndim >= 1 && target.shape[0] !== input.shape[0]) {
    throw new ShapeError(
      `${op}: Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0]}).`,
    );
  }
  if (target.shape.join() !== expected.join() || target.ndim !== expected.length) {
    throw new ShapeError(
      `${op}: expected target size ${fmtShape(expected)} for input of size ${fmtShape(input.shape)}, got ${fmtShape(target.shape)}`,
    );
  }
}

/** Class c's weight broadcast over [N, C, d1, ...]'s class dim. */
function classWeight(op: string, weight: Tensor | null | undefined, input: Tensor): Tensor | null {
  if (!weight) return null;
  const classes = input.ndim === 1 ? input.shape[0] : input.shape[1];
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new ShapeError(
      `${op}: weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${fmtShape(weight.shape)}`,
    );
  }
  return weight;
}

/**
 * Rejects a target outside [0, classes) that is not ignoreIndex (PyTorch's message), and says
 * whether any target is ignored. CPU targets are read once on the host; on other devices the
 * check stays there and only its answers come back.
 */
function checkTargets(target: Tensor, classes: number, ignoreIndex: number): boolean {
  const outOfRange = (v: number) => v !== ignoreIndex && !(v >= 0 && v < classes);
  if (target.device === 'cpu') {
    const values = target.dataSync();
    const bad = values.find(outOfRange);
    if (bad !== undefined)
      throw new IndexError(`nll_loss: Target ${bad} is out of bounds (${classes} classes).`);
    return values.includes(ignoreIndex);
  }
  const ignored = target.eq(ignoreIndex);
  const bad = target.lt(0).logicalOr(target.ge(classes)).logicalAnd(ignored.logicalNot());
  if (bad.any().item()) {
    const t = target.maskedSelect(bad).dataSync()[0];
    throw new IndexError(`nll_loss: Target ${t} is out of bounds (${classes} classes).`);
  }
  return ignored.any().item() === 1;
}

/**
 * The negative log likelihood of each target class (torch.nn.functional.nll_loss): input holds
 * log-probabilities [N, C] or [N, C, d1, ...] (or one [C]), target integer class indices [N] or
 * [N, d1, ...] (or a scalar). With a class weight, 'mean' divides by the sum of the targets'
 * weights, not by N; a target out of range throws IndexError.
 */
export function nllLoss(input: Tensor, target: Tensor, opts: ClassOptions = {}): Tensor {
  checkClassTarget('nll_loss', input, target);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const weight = classWeight('nll_loss', opts.weight, input);
  const classDim = input.ndim === 1 ? 0 : 1;
  const classes = input.shape[classDim];
  const anyIgnored = checkTargets(target, classes, ignoreIndex);
  if (!anyIgnored && !weight) {
    // The usual case, every target counted with weight 1: a gather and a reduction.
    const index = target.to('int64').unsqueeze(classDim);
    return reduce(input.gather(classDim, index).squeeze(classDim).neg(), opts.reduction);
  }
  const ignored = target.eq(ignoreIndex);
  const safe = target.to('int64').maskedFill(ignored, 0);
  const picked = input.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim).neg();
  const keep = ignored.logicalNot().to(input.dtype);
  const w = weight ? weight.indexSelect(0, safe.flatten()).reshape(safe.shape).mul(keep) : keep;
  const loss = picked.mul(w);
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'mean') return weightedMean(loss.sum(), w.sum());
  return reduce(loss, reduction);
}

/**
 * `sum / total`, PyTorch's 'mean' of a class loss: NaN when no target counts (all ignored),
 * with zero input gradients, where a plain 0/0 would send 0 * inf = NaN back to every input.
 */
function weightedMean(sum: Tensor, total: Tensor): Tensor {
  const empty = total.eq(0);
  const nan = empty.to(sum.dtype).maskedFill(empty, Number.NaN);
  return sum.div(total.maskedFill(empty, 1)).add(nan);
}

/**
 * Cross entropy of logits [N, C, d1, ...] (or [C]) against class indices or class
 * probabilities (a float target shaped like the input), with optional label smoothing
 * (torch.nn.functional.cross_entropy). The input is raw scores: the log-softmax is applied here,
 * so don't apply softmax first. Index targets are as for nllLoss.
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  opts: CrossEntropyOptions = {},
): Tensor {
  const classDim = input.ndim === 1 ? 0 : 1;
  const logp = logSoftmax(input, { dim: classDim });
  const eps = opts.labelSmoothing ?? 0;
  if (eps < 0 || eps > 1)
    throw new ValueError(`cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  const classes = input.shape[classDim];
  const weight = classWeight('cross_entropy', opts.weight, input);
  const wShape = input.shape.map((_, i) => (i === classDim ? classes : 1));
  if (target.dtype.startsWith('float')) {
    if (target.shape.join() !== input.shape.join()) {
      throw new ShapeError(
        `cross_entropy: Expected target size ${fmtShape(input.shape)}, got ${fmtShape(target.shape)}`,
      );
    }
    const smoothed = eps > 0 ? target.mul(1 - eps).add(eps / classes) : target;
    const terms = weight ? logp.mul(smoothed).mul(weight.reshape(wShape)) : logp.mul(smoothed);
    const loss = terms.sum(classDim).neg();
    const reduction = opts.reduction ?? 'mean';
    if (reduction === 'mean') return loss.sum().div(input.numel() / classes);
    return reduce(loss, reduction);
  }
  const nll = nllLoss(logp, target, opts);
  if (eps === 0) return nll;
  const ignored = target.eq(opts.ignoreIndex ?? -100);
  const perClass = weight ? logp.mul(weight.reshape(wShape)) : logp;
  const smooth = perClass.sum(classDim).neg().maskedFill(ignored, 0);
  const reduction = opts.reduction ?? 'mean';
  let smoothLoss: Tensor;
  if (reduction === 'mean') {
    const kept = ignored.logicalNot();
    const denom = weight
      ? weight.indexSelect(0, target.to('int64').maskedSelect(kept)).sum()
      : kept.sum();
    smoothLoss = weightedMean(smooth.sum(), denom);
  } else {
    smoothLoss = reduce(smooth, reduction);
  }
  return nll.mul(1 - eps).add(smoothLoss.mul(eps / classes));
}

function sameShape(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.join() !== target.shape.join() || input.ndim !== target.ndim) {
    throw new ShapeError(
      `${op}: Using a target size (${fmtShape(target.shape)}) that is different to the input size (${fmtShape(input.shape)}) is deprecated. Please ensure they have the same size.`,
    );
  }
}

/**
 * Elementwise BCE with PyTorch's derivatives: (x - t) / max(x (1 - x), 1e-12) for the input,
 * which stays finite at 0 and 1 where the derivative of the clamped logs would not, and
 * -logit(x) (unclamped) for the target.
 */
class BinaryCrossEntropyFn extends AutogradFunction {
  static override forward(ctx: FunctionCtx, input: Tensor, target: Tensor): Tensor {
    ctx.saveForBackward(input, target);
    const logX = input.log().clamp(-100);
    const log1mX = input.neg().log1p().clamp(-100);
    return target.mul(logX).add(target.neg().add(1).mul(log1mX)).neg();
  }

  static override backward(ctx: FunctionCtx, g: Tensor): (Tensor | null)[] {
    const [input, target] = ctx.savedTensors as [Tensor, Tensor];
    const gradInput = ctx.needsInputGrad[0]
      ? g.mul(input.sub(target)).div(input.mul(input.neg().add(1)).clamp(1e-12))
      : null;
    const gradTarget = ctx.needsInputGrad[1] ? g.mul(input.neg().log1p().sub(input.log())) : null;
    return [gradInput, gradTarget];
  }
}

/**
 * -(t log x + (1 - t) log(1 - x)), reduced (torch.nn.functional.binary_cross_entropy): input
 * probabilities in [0, 1] (throws otherwise) and a target of the same shape. Each log is clamped
 * at -100 as PyTorch does, so 0 and 1 stay finite; on logits, binaryCrossEntropyWithLogits is
 * the stable choice.
 */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor,
  opts: WeightedOptions = {},
): Tensor {
  sameShape('binary_cross_entropy', input, target);
  if (input.lt(0).logicalOr(input.gt(1)).any().item())
    throw new ValueError('binary_cross_entropy: all elements of input should be between 0 and 1');
  let loss = BinaryCrossEntropyFn.apply(input, target) as Tensor;
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduce(loss, opts.reduction);
}

/**
 * BCE on logits, sigmoid and BCE in one stable form (torch's
 * F.binary_cross_entropy_with_logits): (1 - t) x + w_log (log1p(exp(-|x|)) + max(-x, 0)), with
 * w_log = 1 + (posWeight - 1) t. `posWeight` weighs the positive examples and broadcasts against
 * the input from the last dim (one per class).
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: WeightedOptions & { posWeight?: Tensor | null } = {},
): Tensor {
  sameShape('binary_cross_entropy_with_logits', input, target);
  const softplusNeg = input.abs().neg().exp().log1p().add(input.neg().relu());
  const logWeight = opts.posWeight ? opts.posWeight.sub(1).mul(target).add(1) : null;
  let loss = target
    .neg()
    .add(1)
    .mul(input)
    .add(logWeight ? softplusNeg.mul(logWeight) : softplusNeg);
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduce(loss, opts.reduction);
}

/**
 * Reduction plus 'batchmean', the sum divided by the batch size (dim 0): the KL divergence per
 * sample, which 'mean' (an average over every element) is not.
 */
export type KLReduction = Reduction | 'batchmean';

/**
 * Pointwise KL divergence target * (log target - input), reduced (torch.nn.functional.kl_div):
 * input holds log-probabilities, target probabilities (log-probabilities with `logTarget`). The
 * default 'mean' averages over every element, as PyTorch's does; 'batchmean' gives the KL
 * divergence per sample.
 */
export function klDiv(
  input: Tensor,
  target: Tensor,
  opts: { reduction?: KLReduction; logTarget?: boolean } = {},
): Tensor {
  pairwise('kl_div', input, target);
  const loss = opts.logTarget
    ? target.exp().mul(target.sub(input))
    : where(target.gt(0), target.mul(where(target.gt(0), target, 1).log()), 0).sub(
        target.mul(input),
      );
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'batchmean')
    return input.ndim === 0 ? loss.sum() : loss.sum().div(input.shape[0]);
  return reduce(loss, reduction);
}

/**
 * max(0, -target * (input1 - input2) + margin), reduced (torch.nn.functional.margin_ranking_loss;
 * margin default 0). A target of 1 says input1 should rank higher, -1 that input2 should; all three
 * have the same number of dims.
 */
export function marginRankingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  opts: ReductionOptions & { margin?: number } = {},
): Tensor {
  if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim) {
    throw new ShapeError(
      `margin_ranking_loss: All input tensors should have same dimension but got sizes: input1: ${fmtShape(input1.shape)}, input2: ${fmtShape(input2.shape)}, target: ${fmtShape(target.shape)}`,
    );
  }
  const loss = target
    .neg()
    .mul(input1.sub(input2))
    .add(opts.margin ?? 0)
    .relu();
  return reduce(loss, opts.reduction);
}

const EPSILON = 1e-12;

/**
 * 1 - cos(x1, x2) for target 1, max(0, cos - margin) for target -1, reduced
 * (torch.nn.functional.cosine_embedding_loss; margin default 0): inputs [N, D] (or [D]) and a
 * target of ±1 per row, the cosine over the last dim.
 */
export function cosineEmbeddingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  opts: ReductionOptions & { margin?: number } = {},
): Tensor {
  if (input1.shape.join() !== input2.shape.join()) {
    throw new ShapeError(
      `cosine_embedding_loss: the size of input1 ${fmtShape(input1.shape)} must match the size of input2 ${fmtShape(input2.shape)}`,
    );
  }
  const dim = input1.ndim - 1;
  const prod = input1.mul(input2).sum(dim);
  const mag1 = input1.square().sum(dim).add(EPSILON);
  const mag2 = input2.square().sum(dim).add(EPSILON);
  const cos = prod.div(mag1.mul(mag2).sqrt());
  const zeros = zerosLike(cos);
  const pos = where(target.eq(1), cos.neg().add(1), zeros);
  const neg = where(target.eq(-1), cos.sub(opts.margin ?? 0).relu(), zeros);
  return reduce(pos.add(neg), opts.reduction);
}

/** Options of tripletMarginLoss and TripletMarginLoss. */
export interface TripletOptions extends ReductionOptions {
  /** The gap wanted between the negative's distance and the positive's (default 1). */
  margin?: number;
  /** The norm of the distances (default 2). */
  p?: number;
  /** Added to every difference before the norm, as pairwiseDistance does (default 1e-6). */
  eps?: number;
  /**
   * Use the smaller of d(anchor, negative) and d(positive, negative) as the negative distance (the
   * distance swap of Balntas et al.; default false).
   */
  swap?: boolean;
}

/**
 * max(d(a, p) - d(a, n) + margin, 0), reduced, with d the p-norm of (x - y + eps) over the last
 * dim as pairwiseDistance computes it (torch.nn.functional.triplet_margin_loss): [N, D] each -> [N]
 * before the reduction.
 */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  opts: TripletOptions = {},
): Tensor {
  const { margin = 1, p = 2, eps = 1e-6 } = opts;
  const dims = [anchor.ndim, positive.ndim, negative.ndim];
  if (dims.some((d) => d !== dims[0])) {
    throw new ShapeError(
      `triplet_margin_loss: The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${anchor.ndim}D, positive ${positive.ndim}D, and negative ${negative.ndim}D inputs`,
    );
  }
  const dist = (a: Tensor, b: Tensor) => a.sub(b).add(eps).norm(p, -1);
  const dPos = dist(anchor, positive);
  let dNeg = dist(anchor, negative);
  if (opts.swap) dNeg = dNeg.minimum(dist(positive, negative));
  return reduce(dPos.sub(dNeg).add(margin).relu(), opts.reduction);
}

/**
 * x for target 1, max(0, margin - x) for target -1, reduced
 * (torch.nn.functional.hinge_embedding_loss; margin default 1): input is usually a distance.
 */
export function hingeEmbeddingLoss(
  input: Tensor,
  target: Tensor,
  opts: ReductionOptions & { margin?: number } = {},
): Tensor {
  const zeros = zerosLike(input);
  const marginClamp = input
    .neg()
    .add(opts.margin ?? 1)
    .relu();
  const loss = where(target.ne(1), marginClamp, zeros).add(where(target.ne(-1), input, zeros));
  return reduce(loss, opts.reduction);
}

/**
 * log(1 + exp(-y x)) for targets y of ±1, reduced (torch.nn.functional.soft_margin_loss): the
 * two-class logistic loss.
 */
export function softMarginLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  pairwise('soft_margin_loss', input, target);
  return reduce(target.neg().mul(input).exp().log1p(), opts.reduction);
}
