/** What a worker thread knows about itself (torch.utils.data.get_worker_info()). */
export interface WorkerInfo {
  /** This worker's index, 0 to numWorkers - 1. */
  readonly id: number;
  readonly numWorkers: number;
  /** baseSeed + id: the default generator of this worker is seeded with it. */
  readonly seed: number;
  /** This worker's own copy of the dataset (undefined while its constructor runs). */
  readonly dataset: unknown;
}

// Kept on globalThis so that a second copy of this package in the worker (ESM and CJS builds
// both loaded) still sees it.
const KEY = Symbol.for('@tensile/data.workerInfo');
type Holder = { [KEY]?: WorkerInfo };

/** Inside a DataLoader worker: its id, numWorkers, seed and dataset; in the main thread: null. */
export function getWorkerInfo(): WorkerInfo | null {
  return (globalThis as Holder)[KEY] ?? null;
}

export function setWorkerInfo(info: WorkerInfo): void {
  (globalThis as Holder)[KEY] = info;
}
