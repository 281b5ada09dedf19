import { TensileError } from '@tensile/tensor';

/**
 * A backward pass that cannot run as asked: a freed graph, a saved tensor modified in place,
 * an implicit gradient for a non-scalar, a missing derivative. PyTorch raises RuntimeError here.
 */
export class AutogradError extends TensileError {
  override name = 'AutogradError';
}

export const FREED_GRAPH =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call backward() or autograd.grad(). Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';
