import { composite } from '../dispatch';
import { refuseComplex } from '../errors';
import type { Tensor } from '../tensor';
import { fromArray } from './create';
import * as V from './views';

/** Options of unique, as torch.unique's arguments. */
export interface UniqueOptions {
  /** Accepted for PyTorch's signature: the values always come out sorted. */
  sorted?: boolean;
  /**
   * Also return, for each element of x (each slice along `dim`), the int64 index of its value in
   * the result.
   */
  returnInverse?: boolean;
  /** Also return how often each unique value (or slice) occurs, int64. */
  returnCounts?: boolean;
  /** Find the unique slices along this dim instead of unique elements. */
  dim?: number;
}

/** Sorted distinct values of `values` (NaNs last, each NaN distinct as in PyTorch). */
function distinct(values: ArrayLike<number>): number[] {
  const finite = [...new Set(Array.from(values).filter((v) => !Number.isNaN(v)))].sort(
    (a, b) => a - b,
  );
  const nans = Array.from(values).filter(Number.isNaN);
  return [...finite, ...nans];
}

/**
 * torch.unique. Returns the tensor of unique values, or [unique, inverse?, counts?] with the
 * requested extras in PyTorch's order. With `dim`, unique slices along that dim.
 */
export function unique(x: Tensor, opts: UniqueOptions = {}): Tensor | Tensor[] {
  return composite('unique', [x], {}, () => uniqueOf(x, opts));
}

function uniqueOf(x: Tensor, opts: UniqueOptions): Tensor | Tensor[] {
  refuseComplex('unique', x.dtype);
  const { returnInverse = false, returnCounts = false } = opts;
  if (opts.dim !== undefined) return uniqueDim(x, opts.dim, returnInverse, returnCounts);
  const data = x.dataSync();
  const uniq = distinct(data);
  const position = new Map(uniq.map((v, i) => [v, i]));
  const out = fromArray(new (data.constructor as Float64ArrayConstructor)(uniq), [uniq.length], {
    dtype: x.dtype,
    device: x.device,
  });
  // Each NaN is its own unique value: the k-th NaN of the input is the k-th NaN slot.
  const firstNan = uniq.length - Array.from(data).filter(Number.isNaN).length;
  let nans = 0;
  const inv = Float64Array.from(data, (v) =>
    Number.isNaN(v) ? firstNan + nans++ : (position.get(v) as number),
  );
  const extras: Tensor[] = [];
  if (returnInverse) extras.push(fromArray(inv, x.shape, { dtype: 'int64', device: x.device }));
  if (returnCounts) {
    const counts = new Float64Array(uniq.length);
    for (const i of inv) counts[i]++;
    extras.push(fromArray(counts, [uniq.length], { dtype: 'int64', device: x.device }));
  }
  return extras.length === 0 ? out : [out, ...extras];
}

function uniqueDim(
  x: Tensor,
  dim: number,
  returnInverse: boolean,
  returnCounts: boolean,
): Tensor | Tensor[] {
  const moved = V.movedim(x, dim, 0);
  const n = moved.shape[0];
  const rows = Array.from({ length: n }, (_, i) => Array.from(V.select(moved, 0, i).dataSync()));
  const cmp = (a: number[], b: number[]) => {
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] - b[k];
    return 0;
  };
  const order = rows.map((_, i) => i).sort((i, j) => cmp(rows[i], rows[j]));
  const keep: number[] = [];
  const inverse = new Float64Array(n);
  const counts: number[] = [];
  for (const i of order) {
    if (keep.length === 0 || cmp(rows[keep[keep.length - 1]], rows[i]) !== 0) {
      keep.push(i);
      counts.push(0);
    }
    inverse[i] = keep.length - 1;
    counts[counts.length - 1]++;
  }
  const index = fromArray(Float64Array.from(keep), [keep.length], {
    dtype: 'int64',
    device: x.device,
  });
  const out = V.movedim(moved.indexSelect(0, index), 0, dim);
  const extras: Tensor[] = [];
  if (returnInverse) extras.push(fromArray(inverse, [n], { dtype: 'int64', device: x.device }));
  if (returnCounts)
    extras.push(
      fromArray(Float64Array.from(counts), [counts.length], { dtype: 'int64', device: x.device }),
    );
  return extras.length === 0 ? out : [out, ...extras];
}
