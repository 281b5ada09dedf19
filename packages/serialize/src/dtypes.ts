import type { DType, RealDType } from '@tensile/tensor';

/** safetensors' dtype codes for the dtypes Tensile has (it has no complex ones). */
export const SAFETENSORS_DTYPE: Record<RealDType, string> = {
  float32: 'F32',
  float64: 'F64',
  int32: 'I32',
  int64: 'I64',
  uint8: 'U8',
  bool: 'BOOL',
};

export const TENSILE_DTYPE: ReadonlyMap<string, DType> = new Map(
  Object.entries(SAFETENSORS_DTYPE).map(([dtype, code]) => [code, dtype as DType]),
);
