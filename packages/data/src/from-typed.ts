import { type DType, type Tensor, type TypedArray, fromTypedArray as wrap } from '@tensile/tensor';

/**
 * A CPU tensor holding a copy of `data`, which must already be dtype's storage array type
 * (int64 in Float64Array, bool in Uint8Array): one memcpy, where tensor(typedArray) converts
 * element by element (3 s for 60000x28x28 floats, which would dominate worker start-up and
 * every batch sent between threads).
 */
export function fromTypedArray(
  data: TypedArray,
  dtype: DType,
  shape: readonly number[] = [data.length],
): Tensor {
  return wrap(data, shape, { dtype, device: 'cpu' });
}
