import type { ScatterReduce, View } from '../backend';
import type { DType, TypedArray } from '../dtype';
import { contiguousStrides, numelOf } from '../shape';
import { coalesce } from './loops';
import { lineStarts } from './reduce';
import { allocArray, dataOf } from './storage';

/**
 * Walks `shape` in row-major order a line at a time: dims are merged where every view allows
 * it, and `visit` gets each view's offset at the start of a line, the line's length and each
 * view's stride along it, so the caller's inner loop is a plain counted loop.
 */
function walkLines(
  shape: readonly number[],
  views: readonly { offset: number; strides: readonly number[] }[],
  visit: (i: number, offs: Float64Array, n: number, steps: readonly number[]) => void,
): void {
  if (numelOf(shape) === 0) return;
  const merged = coalesce(
    shape,
    views.map((v) => v.strides),
  );
  const dims = merged.shape;
  const last = dims.length - 1;
  const n = dims[last];
  const steps = merged.strides.map((st) => st[last]);
  const offs = Float64Array.from(views, (v) => v.offset);
  const idx = new Array<number>(last).fill(0);
  const lines = numelOf(dims) / n;
  for (let line = 0, i = 0; line < lines; line++, i += n) {
    visit(i, offs, n, steps);
    for (let d = last - 1; d >= 0; d--) {
      if (++idx[d] < dims[d]) {
        for (let k = 0; k < views.length; k++) offs[k] += merged.strides[k][d];
        break;
      }
      for (let k = 0; k < views.length; k++) offs[k] -= merged.strides[k][d] * (dims[d] - 1);
      idx[d] = 0;
    }
  }
}

/** x's strides with `dim` zeroed, so walking index.shape gives x's offset minus the dim term. */
function alongDim(x: View, dim: number): { offset: number; strides: number[] } {
  return { offset: x.offset, strides: x.strides.map((s, d) => (d === dim ? 0 : s)) };
}

export function gather(x: View, dim: number, index: View): TypedArray {
  const xd = dataOf(x.storage);
  const id = dataOf(index.storage);
  const out = allocArray(x.dtype, numelOf(index.shape));
  const s = x.strides[dim];
  walkLines(index.shape, [alongDim(x, dim), index], (i, offs, n, [sx, si]) => {
    for (let j = 0, px = offs[0], pi = offs[1]; j < n; j++, px += sx, pi += si) {
      out[i + j] = xd[px + id[pi] * s];
    }
  });
  return out;
}

/** Scatters `src` into `out`, a contiguous copy of the destination of the given shape. */
export function scatterInto(
  out: TypedArray,
  shape: readonly number[],
  dtype: DType,
  dim: number,
  index: View,
  src: View,
  reduce: ScatterReduce,
  includeSelf: boolean,
): void {
  const id = dataOf(index.storage);
  const sd = dataOf(src.storage);
  const ostr = contiguousStrides(shape);
  const s = ostr[dim];
  const target = { offset: 0, strides: ostr.map((v, d) => (d === dim ? 0 : v)) };
  if (reduce === 'none') {
    walkLines(index.shape, [target, index, src], (_, o, n, [st, si, ss]) => {
      for (let j = 0, pt = o[0], pi = o[1], ps = o[2]; j < n; j++, pt += st, pi += si, ps += ss) {
        out[pt + id[pi] * s] = sd[ps];
      }
    });
    return;
  }
  // Reductions: positions that receive a value start from the identity unless includeSelf.
  const identity = { sum: 0, mean: 0, prod: 1, amax: -Infinity, amin: Infinity }[reduce];
  if (!includeSelf)
    walkLines(index.shape, [target, index], (_, o, n, [st, si]) => {
      for (let j = 0, pt = o[0], pi = o[1]; j < n; j++, pt += st, pi += si) {
        out[pt + id[pi] * s] = identity;
      }
    });
  if (reduce === 'sum') {
    // scatterAdd, the gradient of every gather: no counts needed.
    walkLines(index.shape, [target, index, src], (_, o, n, [st, si, ss]) => {
      for (let j = 0, pt = o[0], pi = o[1], ps = o[2]; j < n; j++, pt += st, pi += si, ps += ss) {
        out[pt + id[pi] * s] += sd[ps];
      }
    });
    return;
  }
  const counts = new Float64Array(out.length).fill(includeSelf ? 1 : 0);
  walkLines(index.shape, [target, index, src], (_, o, n, [st, si, ss]) => {
    for (let j = 0, pt = o[0], pi = o[1], ps = o[2]; j < n; j++, pt += st, pi += si, ps += ss) {
      const p = pt + id[pi] * s;
      const v = sd[ps];
      counts[p]++;
      if (reduce === 'mean') out[p] += v;
      else if (reduce === 'prod') out[p] *= v;
      else if (reduce === 'amax') out[p] = v > out[p] || v !== v ? v : out[p];
      else out[p] = v < out[p] || v !== v ? v : out[p];
    }
  });
  if (reduce === 'mean') {
    const integral = dtype !== 'float32' && dtype !== 'float64';
    for (let p = 0; p < out.length; p++) {
      if (counts[p] > 0) out[p] = integral ? Math.floor(out[p] / counts[p]) : out[p] / counts[p];
    }
  }
}

export function sort(x: View, dim: number, descending: boolean): [TypedArray, Float64Array] {
  const xd = dataOf(x.storage);
  const n = x.shape[dim];
  const s = x.strides[dim];
  const starts = lineStarts(x, dim);
  const inner = numelOf(x.shape.slice(dim + 1));
  const values = allocArray(x.dtype, numelOf(x.shape));
  const indices = new Float64Array(values.length);
  const line = new Float64Array(n);
  const order = Array.from({ length: n }, (_, i) => i);
  // NaN is the largest value, as in PyTorch; ties keep their order (Array.prototype.sort is stable).
  const asc = (i: number, j: number) => {
    const a = line[i];
    const b = line[j];
    if (a !== a) return b !== b ? 0 : 1;
    if (b !== b) return -1;
    return a - b;
  };
  const cmp = descending ? (i: number, j: number) => asc(j, i) : asc;
  for (let l = 0; l < starts.length; l++) {
    for (let j = 0; j < n; j++) {
      line[j] = xd[starts[l] + j * s];
      order[j] = j;
    }
    order.sort(cmp);
    const o = Math.floor(l / inner) * n * inner + (l % inner);
    for (let j = 0; j < n; j++) {
      values[o + j * inner] = line[order[j]];
      indices[o + j * inner] = order[j];
    }
  }
  return [values, indices];
}
