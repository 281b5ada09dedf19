import type { Backend, Storage } from '../backend';
import type { DType, TypedArray } from '../dtype';
import { TensileError } from '../errors';

export class CpuStorage implements Storage {
  version = 0;
  disposed = false;
  constructor(
    readonly backend: Backend,
    readonly dtype: DType,
    public data: TypedArray,
  ) {}

  get size(): number {
    return this.data.length;
  }
}

export function dataOf(storage: Storage): TypedArray {
  const s = storage as CpuStorage;
  if (s.disposed) {
    throw new TensileError(
      'this tensor was disposed (by dispose() or at the end of a scope); keep() what must outlive a scope',
    );
  }
  return s.data;
}
