import { ValueError } from './errors';
import { shared } from './shared';

/** Node's built-in modules where the runtime has them (Node >= 20.16), else undefined. */
export function builtin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(name) as T | undefined;
}

function defaultThreads(): number {
  const os = builtin<{ availableParallelism?: () => number }>('node:os');
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, os?.availableParallelism?.() ?? nav?.hardwareConcurrency ?? 1);
}

const threads = shared('threads', () => ({
  numThreads: defaultThreads(),
  listeners: new Set<(n: number) => void>(),
}));

/**
 * How many threads the CPU kernels use (torch.set_num_threads): the calling thread and
 * n - 1 workers. The default is the number of logical cores.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new ValueError(`setNumThreads: expected a positive integer, but got ${n}`);
  }
  threads.numThreads = n;
  for (const f of threads.listeners) f(n);
}

/** How many threads the CPU kernels use (torch.get_num_threads); see setNumThreads. */
export function getNumThreads(): number {
  return threads.numThreads;
}

/** Called with the new count whenever setNumThreads changes it. */
export function onNumThreads(f: (n: number) => void): void {
  threads.listeners.add(f);
}
