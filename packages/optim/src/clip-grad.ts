import { div, isTensor, noGrad, norm, stack, type Tensor, zeros } from '@tensile/tensor';
import { OptimizerError } from './errors';

export interface ClipGradNormOptions {
  /** The p of the p-norm; Infinity for the max norm. */
  normType?: number;
  /** Throw instead of scaling the gradients by a NaN or infinite total norm. */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients in place so that their norm, taken over all of them together as if they
 * were one vector, is at most `maxNorm` (torch.nn.utils.clip_grad_norm_). Returns that total norm
 * (before clipping) as a 0-d tensor.
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  opts: ClipGradNormOptions = {},
): Tensor {
  const normType = opts.normType ?? 2;
  const grads = gradsOf(parameters);
  if (grads.length === 0) return zeros([]);
  return noGrad(() => {
    const totalNorm =
      normType === Infinity
        ? maxOf(grads.map((g) => g.detach().abs().max()))
        : norm(stack(grads.map((g) => norm(g.detach(), normType))), normType);
    if (opts.errorIfNonfinite && !Number.isFinite(totalNorm.item())) {
      throw new OptimizerError(
        `clipGradNorm_: The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`errorIfNonfinite: false\``,
      );
    }
    const clipCoef = div(maxNorm, totalNorm.add(1e-6)).clamp(null, 1.0);
    for (const g of grads) g.detach().mul_(clipCoef);
    return totalNorm;
  });
}

/** Clamps every gradient element into [-clipValue, clipValue] in place (clip_grad_value_). */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  noGrad(() => {
    for (const g of gradsOf(parameters)) g.clamp_(-clipValue, clipValue);
  });
}

function gradsOf(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const params = isTensor(parameters) ? [parameters] : [...parameters];
  return params.flatMap((p) => (p.grad === null ? [] : [p.grad]));
}

function maxOf(norms: Tensor[]): Tensor {
  return norms.length === 1 ? norms[0] : stack(norms).max();
}
