/**
 * The eigendecomposition of general square matrices (torch.linalg.eig, eigvals): complex
 * eigenvalues and eigenvectors, computed on the host in float64 as LAPACK's geev does them
 * (eig-kernel.ts), returned as complex64 for float32/complex64 input and complex128 otherwise.
 */
import { apply, isGradEnabled } from '../dispatch';
import { complexDtypeOf, isComplex, isDifferentiableType } from '../dtype';
import { DTypeError, fmtShape, LinAlgError, ShapeError, TensileError, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { fromArray } from './create';
import { EigConvergenceError, eigComplex, eigReal } from './eig-kernel';

function checkInput(op: string, a: Tensor): void {
  if (a.ndim < 2)
    throw new ShapeError(
      `${op}: The input tensor A must have at least 2 dimensions (got shape ${fmtShape(a.shape)})`,
    );
  const [m, n] = a.shape.slice(-2);
  if (m !== n)
    throw new ShapeError(
      `${op}: A must be batches of square matrices, but they are ${m} by ${n} matrices (shape ${fmtShape(a.shape)})`,
    );
  if (!isDifferentiableType(a.dtype))
    throw new DTypeError(
      `${op}: Expected a floating point or complex tensor as input. Got ${a.dtype}`,
    );
  if (a.device !== 'cpu')
    throw new TensileError(
      `${op}: its results are complex, and complex tensors are supported on the CPU only; move the input with .to('cpu') (it is on '${a.device}')`,
    );
}

/** Each matrix's eigenvalues (and eigenvectors) as complex tensors of `a`'s batch shape. */
function decompose(op: string, a: Tensor, vectors: boolean): Tensor[] {
  const n = a.shape[a.ndim - 1];
  const count = a.numel() / (n * n || 1);
  const complexInput = isComplex(a.dtype);
  const data = Float64Array.from(a.contiguous().dataSync());
  if (data.some((v) => !Number.isFinite(v)))
    throw new ValueError(`${op}: input tensor should not contain infs or NaNs.`);
  const values = new Float64Array(2 * count * n);
  const vecs = new Float64Array(vectors ? 2 * count * n * n : 0);
  const size = (complexInput ? 2 : 1) * n * n;
  for (let b = 0; b < count; b++) {
    const matrix = data.subarray(b * size, (b + 1) * size);
    let r: ReturnType<typeof eigReal>;
    try {
      r = complexInput ? eigComplex(matrix, n, vectors) : eigReal(matrix, n, vectors);
    } catch (e) {
      if (!(e instanceof EigConvergenceError)) throw e;
      const which = count > 1 ? ` (batch element ${b})` : '';
      throw new LinAlgError(`${op}: the QR algorithm failed to converge${which}`);
    }
    values.set(r.values, 2 * b * n);
    if (vectors) vecs.set(r.vectors, 2 * b * n * n);
  }
  const dtype = complexDtypeOf(a.dtype);
  const out = (numbers: Float64Array, shape: number[]) =>
    fromArray(dtype === 'complex64' ? Float32Array.from(numbers) : numbers, shape, { dtype });
  const batch = a.shape.slice(0, -2);
  const w = out(values, [...batch, n]);
  return vectors ? [w, out(vecs, [...batch, n, n])] : [w];
}

/**
 * Eigenvalues and right eigenvectors of square matrices (torch.linalg.eig): A V = V diag(L),
 * batched, complex results (complex64 for float32 input). Each eigenvector has unit norm and
 * its largest component real, as LAPACK's; like PyTorch's, the order follows the QR algorithm.
 * Differentiable (LinalgEigBackward0) where eigenvalues are distinct, for losses that do not
 * depend on each eigenvector's arbitrary phase.
 */
export function eig(a: Tensor): [Tensor, Tensor] & { eigenvalues: Tensor; eigenvectors: Tensor } {
  checkInput('linalg.eig', a);
  const [eigenvalues, eigenvectors] = apply('eig', [a], { vectors: true }, () =>
    decompose('linalg.eig', a, true),
  );
  return Object.assign([eigenvalues, eigenvectors] as [Tensor, Tensor], {
    eigenvalues,
    eigenvectors,
  });
}

/** The eigenvalues of square matrices (torch.linalg.eigvals), as eig's. */
export function eigvals(a: Tensor): Tensor {
  checkInput('linalg.eigvals', a);
  // The gradient needs the eigenvectors: recorded as eig, as PyTorch does.
  if (a.requiresGrad && isGradEnabled()) return eig(a).eigenvalues;
  return apply('eig', [a], { vectors: false }, () => decompose('linalg.eigvals', a, false)[0]);
}
