import type { DType } from '@tensile/tensor';

/** Where a layer creates its parameters (PyTorch's factory_kwargs). */
export interface FactoryOptions {
  /** The parameters' dtype (default getDefaultDtype(), float32 unless changed). */
  dtype?: DType;
  /** The parameters' device, e.g. 'cpu' (default getDefaultDevice()). */
  device?: string;
}

/** PyTorch's spelling of a boolean in printed layer settings. */
export const pyBool = (b: boolean): string => (b ? 'True' : 'False');

/** PyTorch's spelling of a tuple in printed layer settings: (3, 3). */
export const pyTuple = (v: readonly number[]): string =>
  v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;

/** Python's spelling of a size setting: 2, (2, 3), or None (a null entry too: (None, 7)). */
export const pySize = (v: number | readonly (number | null)[] | null | undefined): string =>
  v == null
    ? 'None'
    : typeof v === 'number'
      ? String(v)
      : v.length === 1
        ? `(${v[0] ?? 'None'},)`
        : `(${v.map((e) => e ?? 'None').join(', ')})`;

/** Python's repr of a float setting: 1.0, 0.01, 1e-05 (exponent below 1e-4 and from 1e16 on). */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exp] = v.toExponential().split('e');
    const e = Number(exp);
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return Number.isInteger(v) ? `${v}.0` : String(v);
}
