import type { WorkerFailure } from './errors';

/**
 * What a worker does with the samples it loaded: default-collate them ('collate'), convert one
 * sample ('convert', batching off), or send them as they are ('raw') for a collateFn that must
 * run in the main thread because functions cannot be sent to threads.
 */
export type WorkerMode = 'collate' | 'convert' | 'raw';

/** Everything a worker starts from (its workerData). */
export interface WorkerConfig {
  id: number;
  numWorkers: number;
  seed: number;
  /** The dataset as wire.encode made it. */
  dataset: unknown;
  iterable: boolean;
  mode: WorkerMode;
  batchSize: number | null;
  dropLast: boolean;
  initFn: { module: string; export: string } | null;
}

/** Main thread to worker. `epoch` tags an iteration so late answers to an abandoned one are dropped. */
export type Request =
  | { type: 'fetch'; epoch: number; seq: number; index: number[] | number }
  | { type: 'next'; epoch: number; seq: number }
  | { type: 'reset' };

/** Worker to main thread. */
export type Reply =
  | { type: 'data'; epoch: number; seq: number; data: unknown }
  | { type: 'end'; epoch: number; seq: number }
  | { type: 'error'; epoch: number; seq: number; failure: WorkerFailure }
  | { type: 'fatal'; failure: WorkerFailure };

export type TaskReply = Exclude<Reply, { type: 'fatal' }>;

/** An error as plain data, with the sample index when one was being loaded. */
export function toFailure(err: unknown, workerId: number, index?: number): WorkerFailure {
  const e = err instanceof Error ? err : new Error(String(err));
  return { workerId, index, name: e.name, message: e.message, stack: e.stack };
}
