import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the examples look for data sets and download them: $TENSILE_DATA, else ~/.cache/tensile/datasets. */
export function cacheDir(): string {
  return process.env.TENSILE_DATA || join(homedir(), '.cache', 'tensile', 'datasets');
}
