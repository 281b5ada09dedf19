/** Comparison of results with fixture expectations; returns readable mismatches. */
import type { DType, Tensor } from '@tensile/tensor';
import { decodeScalar, type FixtureTensor, isFixtureTensor, type Tol } from './fixture';

/** The tolerance per dtype where a case names none; other dtypes compare exactly. */
export const DEFAULT_TOL: Readonly<Partial<Record<DType, Tol>>> = {
  float32: { rtol: 1.3e-6, atol: 1e-5 },
  float64: { rtol: 1e-7, atol: 1e-7 },
  complex64: { rtol: 1.3e-6, atol: 1e-5 },
  complex128: { rtol: 1e-7, atol: 1e-7 },
};

/** How close is close enough: a case's own `tol` wins, then these per-dtype defaults. */
export type Tolerances = Readonly<Partial<Record<DType, Tol>>>;

const EXACT: Tol = { rtol: 0, atol: 0 };

function isTensorLike(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && typeof (v as Tensor).dataSync === 'function';
}

export function close(expected: number, got: number, tol: Tol): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(got);
  if (!Number.isFinite(expected)) return expected === got;
  return Math.abs(got - expected) <= tol.atol + tol.rtol * Math.abs(expected);
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(fmt).join(', ')}]`;
  if (isTensorLike(v)) return `Tensor(${v.dtype}, [${v.shape.join(', ')}])`;
  return String(v);
}

function preview(values: ArrayLike<unknown>): string {
  const xs = Array.from(values).slice(0, 12).map(fmt);
  return `[${xs.join(', ')}${values.length > 12 ? ', ...' : ''}]`;
}

/** Checks dtype and shape always, and the values unless the fixture leaves them out (data: null). */
export function compareTensor(
  exp: FixtureTensor,
  got: unknown,
  tol: Tol | undefined,
  path: string,
  defaults: Tolerances = DEFAULT_TOL,
): string[] {
  if (!isTensorLike(got))
    return [`${path}: expected a Tensor(${exp.dtype}, [${exp.shape}]), got ${fmt(got)}`];
  const errs: string[] = [];
  if (got.dtype !== exp.dtype) errs.push(`${path}: dtype expected ${exp.dtype}, got ${got.dtype}`);
  const shape = [...got.shape];
  if (shape.length !== exp.shape.length || shape.some((d, i) => d !== exp.shape[i])) {
    errs.push(`${path}: shape expected [${exp.shape}], got [${shape}]`);
    return errs;
  }
  if (exp.data === null) return errs;
  const data = got.dataSync();
  if (data.length !== exp.data.length) {
    return [...errs, `${path}: dataSync() has ${data.length} values, expected ${exp.data.length}`];
  }
  const t = tol ?? defaults[exp.dtype] ?? EXACT;
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const e = decodeScalar(exp.data[i]);
    const ev = typeof e === 'boolean' ? (e ? 1 : 0) : e;
    if (!close(ev, data[i], t)) {
      count++;
      if (bad.length < 4) bad.push(`[${i}] expected ${fmt(ev)} got ${fmt(data[i])}`);
    }
  }
  if (count > 0) {
    errs.push(
      `${path}: ${count}/${data.length} values differ: ${bad.join('; ')}\n` +
        `    expected ${preview(exp.data.map(decodeScalar))}\n    got      ${preview(data)}`,
    );
  }
  return errs;
}

/**
 * Recursive comparison: tensors, lists (of tensors, or tolist() nesting), records of named
 * results (lstsq's `{ solution, rank }`), numbers, booleans, strings.
 */
export function compareValue(
  exp: unknown,
  got: unknown,
  tol: Tol | undefined,
  path = 'out',
  defaults: Tolerances = DEFAULT_TOL,
): string[] {
  if (isFixtureTensor(exp)) return compareTensor(exp, got, tol, path, defaults);
  if (Array.isArray(exp)) {
    if (!Array.isArray(got) && !ArrayBuffer.isView(got))
      return [`${path}: expected a list, got ${fmt(got)}`];
    const g = Array.from(got as ArrayLike<unknown>);
    if (g.length !== exp.length) return [`${path}: expected ${exp.length} items, got ${g.length}`];
    return exp.flatMap((e, i) => compareValue(e, g[i], tol, `${path}[${i}]`, defaults));
  }
  if (typeof exp === 'object' && exp !== null && '$num' in exp) {
    return compareValue(decodeScalar((exp as { $num: 'nan' }).$num), got, tol, path, defaults);
  }
  if (typeof exp === 'object' && exp !== null) {
    if (typeof got !== 'object' || got === null)
      return [`${path}: expected a record, got ${fmt(got)}`];
    const record = got as Record<string, unknown>;
    return Object.entries(exp).flatMap(([k, e]) =>
      compareValue(e, record[k], tol, `${path}.${k}`, defaults),
    );
  }
  if (typeof exp === 'number') {
    if (typeof got !== 'number') return [`${path}: expected number ${fmt(exp)}, got ${fmt(got)}`];
    const t = Number.isInteger(exp) ? (tol ?? EXACT) : (tol ?? defaults.float32 ?? EXACT);
    return close(exp, got, t) ? [] : [`${path}: expected ${fmt(exp)}, got ${fmt(got)}`];
  }
  if (typeof exp === 'string' && typeof got === 'string' && exp !== got) {
    return [`${path}: string differs\n--- expected\n${exp}\n--- got\n${got}`];
  }
  return Object.is(exp, got) ? [] : [`${path}: expected ${fmt(exp)}, got ${fmt(got)}`];
}

/** Strides must match PyTorch's except on size-1 dims, where any stride describes the same layout. */
export function compareStrides(
  exp: number[],
  got: readonly number[],
  shape: readonly number[],
): string[] {
  if (exp.length !== got.length) return [`stride: expected [${exp}], got [${got}]`];
  const bad = exp.some((s, i) => shape[i] !== 1 && s !== got[i]);
  return bad ? [`stride: expected [${exp}], got [${got}] (shape [${shape}])`] : [];
}
