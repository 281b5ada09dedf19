import { type Tensor, ValueError } from '@tensile/tensor';

/** PyTorch's constructor checks: `Invalid learning rate: -1`. */
export function checkNonNegative(optimizer: string, what: string, value: number): void {
  if (!(value >= 0)) throw new ValueError(`${optimizer}: Invalid ${what}: ${value}`);
}

/** The options Adam, AdamW, Adamax, NAdam and RAdam share. */
export interface AdamFamilyOptions {
  lr?: number;
  /** (beta1, beta2): decay rates of the first and second moment averages. */
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

/** PyTorch's checks of the shared Adam-family options. */
export function checkAdamFamily(optimizer: string, opts: Required<AdamFamilyOptions>): void {
  checkNonNegative(optimizer, 'learning rate', opts.lr);
  checkNonNegative(optimizer, 'epsilon value', opts.eps);
  opts.betas.forEach((beta, i) => {
    if (!(beta >= 0 && beta < 1))
      throw new ValueError(`${optimizer}: Invalid beta parameter at index ${i}: ${beta}`);
  });
  checkNonNegative(optimizer, 'weight_decay value', opts.weightDecay);
}

/**
 * The gradient a step follows: negated to maximize, plus `weightDecay * param` (L2 penalty).
 * A new tensor whenever it differs from `p.grad`, which is never written to.
 */
export function gradOf(p: Tensor, maximize: boolean, weightDecay: number): Tensor {
  let grad = maximize ? p.grad!.neg() : p.grad!;
  if (weightDecay !== 0) grad = grad.add(p, { alpha: weightDecay });
  return grad;
}

/** The defaults with the options that were given (an option set to undefined keeps its default). */
export function withDefaults<O extends object>(defaults: Required<O>, opts: O): Required<O> {
  const out = { ...defaults };
  for (const [key, value] of Object.entries(opts))
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  return out;
}
