import { TensileError } from '@tensile/tensor';

/**
 * An optimizer, scheduler or clipping call that cannot go on as asked: a non-finite gradient norm
 * with `errorIfNonfinite`, an unknown line search. PyTorch raises RuntimeError here.
 */
export class OptimizerError extends TensileError {
  override name = 'OptimizerError';
}
