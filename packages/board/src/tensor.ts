import { BoardInputError } from './errors';

/**
 * Anything tensor-like: a shape plus row-major data through `dataSync()` (Tensile's Tensor)
 * or nested arrays through `tolist()` (PyTorch-style wrappers).
 */
export interface TensorLike {
  /** The dims, as a plain array. */
  shape: readonly number[];
  /** Row-major values (Tensile's Tensor has it); a Uint8Array result marks byte images. */
  dataSync?(): ArrayLike<number>;
  /** Nested arrays of numbers, used when there is no dataSync. */
  tolist?(): unknown;
}

/** Numbers nested in arrays of equal length at each level, like a tensor's tolist(). */
export type NestedArray = number | readonly NestedArray[];

/**
 * What SummaryWriter methods accept as numeric data: a number, a (typed) array, nested arrays,
 * or a tensor-like. A plain array is read by its nesting; a flat typed array is 1-D.
 */
export type TensorInput = number | ArrayLike<number> | NestedArray | TensorLike;

/** Row-major data with its shape; `uint8` tells byte images (0..255) from float ones (0..1). */
export interface Dense {
  /** The dims; [] for a number. */
  shape: number[];
  /** The values, row-major. */
  data: ArrayLike<number>;
  /**
   * True when the data came as a Uint8Array (or Uint8ClampedArray), so images are taken as 0..255.
   */
  uint8: boolean;
}

function isTensorLike(x: unknown): x is TensorLike {
  return typeof x === 'object' && x !== null && Array.isArray((x as TensorLike).shape);
}

export function toDense(x: TensorInput, what = 'value'): Dense {
  if (typeof x === 'number') return { shape: [], data: [x], uint8: false };
  if (ArrayBuffer.isView(x)) {
    const data = x as unknown as ArrayLike<number>;
    return {
      shape: [data.length],
      data,
      uint8: x instanceof Uint8Array || x instanceof Uint8ClampedArray,
    };
  }
  if (isTensorLike(x)) return fromTensorLike(x, what);
  if (Array.isArray(x)) return fromNested(x, what);
  throw new BoardInputError(`${what}: expected a number, array, typed array or tensor-like`);
}

function fromTensorLike(t: TensorLike, what: string): Dense {
  const shape = [...t.shape];
  if (t.dataSync) {
    const data = t.dataSync();
    // A complex tensor reads out as (real, imaginary) pairs: two numbers per element.
    if (data.length !== shape.reduce((n, d) => n * d, 1))
      throw new BoardInputError(
        `${what}: the tensor holds ${data.length} numbers for shape [${shape.join(', ')}] (a complex tensor?); log its real parts or its modulus, e.g. z.abs()`,
      );
    return { shape, data, uint8: data instanceof Uint8Array || data instanceof Uint8ClampedArray };
  }
  if (t.tolist) return { ...fromNested(t.tolist() as NestedArray, what), shape };
  throw new BoardInputError(`${what}: tensor-like needs dataSync() or tolist()`);
}

function fromNested(x: NestedArray, what: string): Dense {
  const shape: number[] = [];
  for (let level: NestedArray = x; Array.isArray(level); level = level[0]) shape.push(level.length);
  const data: number[] = [];
  const walk = (node: NestedArray, depth: number): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number')
        throw new BoardInputError(`${what}: expected numbers, got ${typeof node}`);
      data.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new BoardInputError(`${what}: ragged nested array (expected shape [${shape}])`);
    }
    for (const child of node) walk(child, depth + 1);
  };
  walk(x, 0);
  return { shape, data, uint8: false };
}

/** A single number from a number or a one-element tensor. */
export function toScalar(x: TensorInput, what = 'value'): number {
  const { data } = toDense(x, what);
  if (data.length !== 1)
    throw new BoardInputError(`${what}: expected one element, got ${data.length}`);
  return Number(data[0]);
}
