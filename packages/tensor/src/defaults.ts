import { getBackend } from './devices';
import type { DType } from './dtype';
import { DTypeError } from './errors';
import { shared } from './shared';

const defaults = shared('defaults', () => ({ dtype: 'float32' as DType, device: 'cpu' }));

/** The dtype of float tensors made without one (torch.set_default_dtype). */
export function setDefaultDtype(dtype: DType): void {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new DTypeError(
      `setDefaultDtype: only floating-point types are supported as the default type, got ${dtype}`,
    );
  }
  defaults.dtype = dtype;
}

/**
 * The dtype of float tensors made without one (torch.get_default_dtype): 'float32' unless
 * setDefaultDtype changed it.
 */
export function getDefaultDtype(): DType {
  return defaults.dtype;
}

/**
 * The device factory functions (tensor, zeros, randn, ...) use when given none
 * (torch.set_default_device). The backend must be registered first.
 */
export function setDefaultDevice(device: string): void {
  defaults.device = getBackend(device).name;
}

/** The device factory functions use when given none: 'cpu' unless setDefaultDevice changed it. */
export function getDefaultDevice(): string {
  return defaults.device;
}
