import { TensileError } from '@tensile/tensor';

/** A batch the default collate cannot build: samples of different shapes or of an unsupported type. */
export class CollateError extends TensileError {
  override name = 'CollateError';
}

/** A dataset, sampler or loader used in a way it does not support (no length, sync loop over workers). */
export class DataLoaderError extends TensileError {
  override name = 'DataLoaderError';
}

/** No batch arrived from the workers within the loader's `timeout`. */
export class DataLoaderTimeoutError extends TensileError {
  override name = 'DataLoaderTimeoutError';
}

/** Details of an error raised inside a worker thread, as sent back to the main thread. */
export interface WorkerFailure {
  workerId: number;
  /** The sample index being loaded when it failed (undefined while starting or for iterable datasets). */
  index?: number;
  name: string;
  message: string;
  stack?: string;
}

/**
 * An error a worker thread raised (or the worker dying), re-raised in the main loop.
 * The original stack is kept in the message because the worker's Error object cannot cross threads.
 */
export class WorkerError extends TensileError {
  override name = 'WorkerError';
  readonly workerId: number;
  readonly index: number | undefined;
  readonly originalName: string;

  constructor(failure: WorkerFailure) {
    const where = failure.index === undefined ? '' : ` while loading sample ${failure.index}`;
    const trace = failure.stack
      ? `\nOriginal stack (worker ${failure.workerId}):\n${failure.stack}`
      : '';
    super(
      `Caught ${failure.name} in DataLoader worker ${failure.workerId}${where}: ${failure.message}${trace}`,
    );
    this.workerId = failure.workerId;
    this.index = failure.index;
    this.originalName = failure.name;
  }
}
