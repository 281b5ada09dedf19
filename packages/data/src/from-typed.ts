import { type DType, getBackend, Tensor, type TypedArray } from '@tensile/tensor';

/**
 * A CPU tensor holding a copy of `data`, which must already be dtype's storage array type
 * (int64 in Float64Array, bool in Uint8Array). One memcpy through the backend's fromArray:
 * tensor(typedArray) converts element by element through a JS array, which took 3 s for
 * 60000x28x28 floats and would dominate worker start-up and every batch sent between threads.
 */
export function fromTypedArray(
  data: TypedArray,
  dtype: DType,
  shape: readonly number[] = [data.length],
): Tensor {
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; s *= shape[i], i--) strides[i] = s;
  return new Tensor(getBackend('cpu').fromArray(data, dtype), shape, strides);
}
