import type { Case } from '@tensile/tensor/testing';

/**
 * Goldens the gpu device does not run as PyTorch's CPU does, by design of a WebGL1 backend:
 * every dtype lives in float32 textures.
 */
const BEYOND_FLOAT32_INTEGERS: Record<string, string> = {
  'elementwise/add/int32-overflow-wraps': 'int32 wrap-around at 2^31',
  'elementwise/add/int64-beyond-int32': 'int64 values past 2^24',
  'reductions/sum/int64-large': 'int64 values past 2^24',
  'reductions/cumsum/int64-large': 'int64 values past 2^24',
};

export function skipReason(name: string, c: Case): string | null {
  if (JSON.stringify(c).includes('float64'))
    return 'float64 is refused on the gpu device (float32 textures), as on PyTorch MPS';
  const big = BEYOND_FLOAT32_INTEGERS[name];
  return big ? `${big}: integers are exact in float32 only up to 2^24` : null;
}
