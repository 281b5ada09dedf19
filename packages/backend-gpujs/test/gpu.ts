import { isGpuAvailable } from '../src/index';

/**
 * Whether the suites run: they need gl built and a display (test/setup-display.ts starts
 * Xvfb). CI sets TENSILE_GPUJS_REQUIRED=1 so a missing install step fails instead of skipping.
 */
export const gpuReady = isGpuAvailable();

if (!gpuReady && process.env.TENSILE_GPUJS_REQUIRED === '1') {
  throw new Error(
    'TENSILE_GPUJS_REQUIRED=1 but the gpu backend cannot start here; see the error of gpuBackend.alloc',
  );
}
