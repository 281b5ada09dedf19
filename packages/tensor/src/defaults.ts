import { getBackend } from './backend';
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

let defaultDevice = 'cpu';

/**
 * The device factory functions (tensor, zeros, randn, ...) use when given none
 * (torch.set_default_device). The backend must be registered first.
 */
export function setDefaultDevice(device: string): void {
  defaultDevice = getBackend(device).name;
}

export function getDefaultDevice(): string {
  return defaultDevice;
}
