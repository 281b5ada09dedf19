import { registerBackend } from '@tensile/tensor';
import { gpuBackend } from './backend';

export { gpuBackend } from './backend';
export { gpuInfo, isGpuAvailable } from './context';
export { gpuMemory } from './storage';

// Importing the package makes `tensor.to('gpu')` and `{ device: 'gpu' }` work; the GL context
// starts on the first kernel, and fails there with what to install when there is none.
registerBackend(gpuBackend);
