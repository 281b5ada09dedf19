/**
 * The registry of backends by device name ('cpu', 'gpu'). Apart from the Backend contract
 * (backend.ts), so the contract does not import an implementation: only the registry knows the
 * CPU backend, the one every program starts with.
 */
import type { Backend } from './backend';
import { cpuBackend } from './cpu';
import { type DType, isComplex } from './dtype';
import { DeviceError, DTypeError } from './errors';
import { shared } from './shared';

// Shared across copies of the package: the first copy's CPU backend serves them all.
const backends = shared('backends', () => new Map<string, Backend>([['cpu', cpuBackend]]));

/** Makes a backend reachable by name for `tensor.to(name)` and the `device` option. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/** The backend registered under `name`; a DeviceError naming the registered ones if none is. */
export function getBackend(name: string): Backend {
  const b = backends.get(name);
  if (!b) {
    const known = [...backends.keys()].join(', ');
    throw new DeviceError(`no backend named '${name}' is registered (registered: ${known})`);
  }
  return b;
}

/** The names of the registered backends, 'cpu' first. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/** Complex tensors live on the CPU: the other backends have no complex kernels. */
export function checkComplexDevice(op: string, dtype: DType, device: string): void {
  if (isComplex(dtype) && device !== 'cpu')
    throw new DTypeError(
      `${op}: ${dtype} tensors are supported on the CPU only, not on device '${device}'`,
    );
}
