import { gpuBackend } from '../src/index';

/**
 * Whether the suites run: they need gl built and a display (test/setup-display.ts starts
 * Xvfb). CI sets TENSILE_GPUJS_REQUIRED=1 so a missing install step fails instead of skipping.
 */
function unavailable(): string | null {
  try {
    gpuBackend.dispose(gpuBackend.alloc('float32', 1));
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

const why = unavailable();
export const gpuReady = why === null;

if (why !== null && process.env.TENSILE_GPUJS_REQUIRED === '1') {
  throw new Error(`TENSILE_GPUJS_REQUIRED=1 but the gpu backend cannot start here: ${why}`);
}
if (why !== null) console.warn(`gpu tests skipped (opt in with pnpm gpu:setup): ${why}`);
