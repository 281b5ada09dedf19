import { brandClass } from './shared';

/** Base class of every error Tensile throws on bad input, so callers can catch them as a family. */
export class TensileError extends Error {
  override name = 'TensileError';
}

/** Shapes that do not fit the op: broadcasting, matmul inner dims, view on an incompatible layout. */
export class ShapeError extends TensileError {
  override name = 'ShapeError';
}

/** A dtype the op does not accept, or a promotion it refuses. */
export class DTypeError extends TensileError {
  override name = 'DTypeError';
}

/** An index or dim outside its range. */
export class IndexError extends TensileError {
  override name = 'IndexError';
}

/** An argument value that is not allowed (negative size, bad option). */
export class ValueError extends TensileError {
  override name = 'ValueError';
}

/** A matrix a linear-algebra op cannot work with: a singular one to invert (torch's LinAlgError). */
export class LinAlgError extends TensileError {
  override name = 'LinAlgError';
}

/** Tensors on different devices, or a backend that is not registered. */
export class DeviceError extends TensileError {
  override name = 'DeviceError';
}

// Caught across copies of the package (ESM beside CJS) as the same classes. Names spelled
// out: a minifier may rename the classes.
brandClass(TensileError, 'TensileError');
brandClass(ShapeError, 'ShapeError');
brandClass(DTypeError, 'DTypeError');
brandClass(IndexError, 'IndexError');
brandClass(ValueError, 'ValueError');
brandClass(LinAlgError, 'LinAlgError');
brandClass(DeviceError, 'DeviceError');

/**
 * Throws a ValueError naming the first of `args` that is not a whole number (PyTorch's int
 * parameters; null stands for an optional one left out): a view's fraction or NaN start read
 * and wrote outside the view.
 */
export function checkIntArgs(op: string, args: Record<string, number | null>): void {
  for (const [name, v] of Object.entries(args)) {
    if (v !== null && !Number.isInteger(v))
      throw new ValueError(`${op}: argument '${name}' must be an integer, but got ${v}`);
  }
}

/** Formats a shape the way PyTorch prints it in messages: [2, 3]. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * A warning the program keeps running after (Python's warnings.warn): Node's process warning
 * where there is one, the console elsewhere (browsers).
 */
export function warn(message: string): void {
  const proc = (globalThis as { process?: { emitWarning?: (m: string) => void } }).process;
  if (proc?.emitWarning) proc.emitWarning(message);
  else console.warn(message);
}

/**
 * Autograd recording an op on complex tensors that it has no complex formula for: a formula
 * written for reals would give wrong gradients (it lacks PyTorch's conjugates).
 */
export function complexGradError(op: string, supported: readonly string[]): DTypeError {
  return new DTypeError(
    `${op}: autograd through complex tensors covers ${supported.join(', ')} (and what is composed of them) in Tensile; detach() the input or use noGrad for this op`,
  );
}

/**
 * An op that reads values on the host, refusing a complex tensor (whose data are pairs) as
 * PyTorch refuses it: "unique" not implemented for 'ComplexFloat'.
 */
export function refuseComplex(op: string, dtype: string): void {
  if (dtype === 'complex64' || dtype === 'complex128')
    throw new DTypeError(`${op}: not implemented for '${dtype}' tensors`);
}
