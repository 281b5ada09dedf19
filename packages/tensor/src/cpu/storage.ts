import type { Backend, Storage } from '../backend';
import type { DType, TypedArray } from '../dtype';

export class CpuStorage implements Storage {
  version = 0;
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
  return (storage as CpuStorage).data;
}
