import type { DType } from '@tensile/tensor';

/** Where a layer creates its parameters (PyTorch's factory_kwargs). */
export interface FactoryOptions {
  dtype?: DType;
  device?: string;
}

/** PyTorch's spelling of a boolean in printed layer settings. */
export const pyBool = (b: boolean): string => (b ? 'True' : 'False');

/** PyTorch's spelling of a tuple in printed layer settings: (3, 3). */
export const pyTuple = (v: readonly number[]): string =>
  v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;

/** PyTorch's spelling of a float setting: 1.0, 0.01. */
export const pyFloat = (v: number): string => (Number.isInteger(v) ? `${v}.0` : String(v));
