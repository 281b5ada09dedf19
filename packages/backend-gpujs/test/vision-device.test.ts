// vision's device tests where the gpu backend is registered (the vision project registers none):
// its gpu block checks that every tensor transform keeps a gpu image on the gpu, as the CPU's.
// Loaded only with a working gl context: the backend registers 'gpu' without one too.
import { it } from 'vitest';
import { gpuReady } from './gpu';

if (gpuReady) await import('../../vision/test/device.test');
else it.skip('vision transforms on the gpu (needs gl: pnpm gpu:setup)', () => {});
