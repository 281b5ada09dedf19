/**
 * What ops need of a tensor without its methods: the brand that says a value is one, wrapping a
 * storage as a new tensor, and the small shared types. The ops import this module, and
 * `tensor.ts` (the class, whose methods call the ops) registers the class here when it loads, so
 * ops and the class do not import each other.
 */
import type { Storage } from './backend';
import { DTypeError, TensileError } from './errors';
import { track } from './scope';
import { contiguousStrides, type Shape } from './shape';
import type { Tensor } from './tensor';

/** Anything an op accepts where PyTorch takes a tensor or a Python scalar. */
export type TensorLike = Tensor | number | boolean;

/** What opaque autograd metadata the engine hangs on a tensor. */
export interface GradFn {
  readonly name: string;
}

/** `[values, indices]` that can also be read as `.values` / `.indices` (torch.return_types). */
export type ValuesIndices = [Tensor, Tensor] & { values: Tensor; indices: Tensor };

/** A `[values, indices]` pair that also reads as `.values` / `.indices`. */
export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.assign([values, indices] as [Tensor, Tensor], { values, indices });
}

/** The brand on every copy's Tensor prototype (brandClass(Tensor, 'Tensor') in tensor.ts). */
const TENSOR = Symbol.for('@tensile/tensor:Tensor');

/** Whether `x` is a Tensor, of this copy of the package or another. */
export function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && (x as { [TENSOR]?: true })[TENSOR] === true;
}

type TensorClass = new (storage: Storage, shape: Shape, strides: Shape, offset?: number) => Tensor;
let tensorClass: TensorClass | null = null;

/** Called once by tensor.ts: the class `newTensor` makes. */
export function defineTensorClass(cls: TensorClass): void {
  tensorClass = cls;
}

/** A tensor viewing `storage` with the given layout (a view shares its base's storage). */
export function newTensor(storage: Storage, shape: Shape, strides: Shape, offset = 0): Tensor {
  if (tensorClass === null) throw new TensileError('the Tensor class is not loaded yet');
  return new tensorClass(storage, shape, strides, offset);
}

/** A tensor holding `storage` as an array of `shape`, contiguous unless `strides` say otherwise. */
export function wrapStorage(
  storage: Storage,
  shape: Shape,
  strides: Shape = contiguousStrides(shape),
): Tensor {
  track(storage);
  return newTensor(storage, shape, strides, 0);
}

/** Checks an index argument's dtype the way PyTorch's indexing ops do. */
export function checkIndexTensor(op: string, index: Tensor, name = 'index'): void {
  if (index.dtype !== 'int64' && index.dtype !== 'int32') {
    throw new DTypeError(
      `${op}(): Expected dtype int32 or int64 for ${name}, but got ${index.dtype}`,
    );
  }
}
