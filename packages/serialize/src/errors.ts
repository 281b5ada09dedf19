import { TensileError } from '@tensile/tensor';

/**
 * A value that cannot be saved, or bytes that are not a valid checkpoint: a truncated or corrupt
 * file, a dtype Tensile lacks, an int64 beyond 2^53. The message names the file when there is one.
 */
export class SerializeError extends TensileError {
  override name = 'SerializeError';
}
