import { TensileError, tensor } from '@tensile/tensor';
import { UsageError } from './cli';

/**
 * Makes `--device` usable before a model moves there. 'gpu' loads @tensile/backend-gpujs
 * (only then, so CPU runs never load gpu.js or gl) and runs one op, so that a missing
 * package or display is said up front, with what to install.
 */
export async function useDevice(device: string): Promise<void> {
  if (device === 'cpu') return;
  try {
    await import('@tensile/backend-gpujs');
    tensor([0], { device }).item();
  } catch (e) {
    const why =
      e instanceof TensileError ? e.message : `@tensile/backend-gpujs: ${(e as Error).message}`;
    throw new UsageError(`--device ${device}: ${why}`);
  }
}
