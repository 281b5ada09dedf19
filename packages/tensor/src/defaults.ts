import type { DType } from './dtype';
import { DTypeError } from './errors';

let defaultDtype: DType = 'float32';

/** The dtype of float tensors made without one (torch.set_default_dtype). */
export function setDefaultDtype(dtype: DType): void {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new DTypeError(
      `setDefaultDtype: only floating-point types are supported as the default type, got ${dtype}`,
    );
  }
  defaultDtype = dtype;
}

export function getDefaultDtype(): DType {
  return defaultDtype;
}
