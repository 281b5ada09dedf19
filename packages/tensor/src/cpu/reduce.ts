import type { ArgReduceOp, CumulativeOp, ReduceOp, View } from '../backend';
import { type DType, isFloating, type TypedArray } from '../dtype';
import { isContiguousLayout, numelOf, type Shape } from '../shape';
import { coalesce, H, loopDecls, nestedLoops } from './loops';
import { native } from './native';
import { allocArray, dataOf, denseFloat32 } from './storage';
import { wasm } from './wasm/runtime';
import { REDUCE_KINDS, type ReduceLayout, wasmReduce, wasmSoftmax } from './wasm/softmax';

const REDUCERS: Record<ReduceOp, { init: string; step: string; bool?: boolean }> = {
  sum: { init: '0', step: 'acc += v;' },
  prod: { init: '1', step: 'acc *= v;' },
  max: { init: '-Infinity', step: 'if (v > acc || v !== v) acc = v;' },
  min: { init: 'Infinity', step: 'if (v < acc || v !== v) acc = v;' },
  any: { init: '0', step: 'if (v !== 0) acc = 1;' },
  all: { init: '1', step: 'if (v === 0) acc = 0;' },
};

type ReduceKernel = (
  out: TypedArray,
  a: TypedArray,
  off: number,
  ks: number[],
  kst: number[],
  rs: number[],
  rst: number[],
) => void;
const cache = new Map<string, ReduceKernel>();

function compile(op: ReduceOp, dtype: DType, nk: number, nr: number): ReduceKernel {
  const key = `${op}|${dtype}|${nk}|${nr}`;
  let k = cache.get(key);
  if (k) return k;
  const r = REDUCERS[op];
  const store =
    dtype === 'int64' ? 'Math.trunc(acc)' : dtype === 'bool' ? '(acc !== 0 ? 1 : 0)' : 'acc';
  const inner = nestedLoops('r', nr, ['pr'], `const v = a[pr]; ${r.step}`);
  const body = `let acc = ${r.init}; let pr = pk;\n${inner}\nout[po++] = ${store};`;
  const src = `return function(out, a, off, ks, kst, rs, rst) {
${loopDecls('k', nk, 'ks', [{ name: 'pk', strides: 'kst' }])}
${loopDecls('r', nr, 'rs', [{ name: 'pr', strides: 'rst' }])}
let po = 0; let pk = off;
${nestedLoops('k', nk, ['pk'], body)}
}`;
  k = new Function('H', src)(H) as ReduceKernel;
  cache.set(key, k);
  return k;
}

/** Splits x's dims into kept and reduced, each coalesced on its own. */
function split(x: View, dims: readonly number[]) {
  const kept = x.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const k = coalesce(
    kept.map((d) => x.shape[d]),
    [kept.map((d) => x.strides[d])],
  );
  const r = coalesce(
    dims.map((d) => x.shape[d]),
    [dims.map((d) => x.strides[d])],
  );
  const keptNumel = numelOf(kept.map((d) => x.shape[d]));
  return { k, r, keptNumel, reducedNumel: numelOf(dims.map((d) => x.shape[d])) };
}

/**
 * a[off] + ... + a[off + n - 1] with four accumulators: one accumulator waits on the latency of
 * each add (a 16 MB sum took 2.7 ms; memory reads it in a quarter of that). One compiled copy
 * per array type, as the other kernels: a shared one turns every load megamorphic.
 */
type SumRun = (a: TypedArray, off: number, n: number) => number;
const sumRuns = new Map<unknown, SumRun>();

function sumRunFor(a: TypedArray): SumRun {
  let f = sumRuns.get(a.constructor);
  if (!f) {
    f = new Function(`return function (a, off, n) {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const end = off + n;
  let i = off;
  for (; i + 4 <= end; i += 4) { s0 += a[i]; s1 += a[i + 1]; s2 += a[i + 2]; s3 += a[i + 3]; }
  for (; i < end; i++) s0 += a[i];
  return s0 + s1 + (s2 + s3);
}`)() as SumRun;
    sumRuns.set(a.constructor, f);
  }
  return f;
}

/** Calls fn with the storage offset of every element of a (coalesced) shape, in order. */
function eachOffset(
  shape: number[],
  strides: number[],
  base: number,
  fn: (o: number) => void,
): void {
  if (shape.length === 0) {
    fn(base);
    return;
  }
  const [n, ...rest] = shape;
  for (let i = 0; i < n; i++) eachOffset(rest, strides.slice(1), base + i * strides[0], fn);
}

export function reduce(op: ReduceOp, x: View, dims: readonly number[], dtype: DType): TypedArray {
  const { k, r, keptNumel, reducedNumel } = split(x, dims);
  const out = allocArray(dtype, keptNumel);
  if (keptNumel === 0) return out;
  if (reducedNumel === 0) return out.fill(Number(REDUCERS[op].init));
  if (dtype === 'float32' && reduceOnKernels(op, x, dims, out)) return out;
  if (op === 'sum' && isFloating(dtype) && r.shape.length === 1 && r.strides[0][0] === 1) {
    // Each kept element sums one contiguous run (a full sum, a last-dim sum).
    const a = dataOf(x.storage);
    const sum = sumRunFor(a);
    let o = 0;
    eachOffset(k.shape, k.strides[0], x.offset, (at) => {
      out[o++] = sum(a, at, reducedNumel);
    });
    return out;
  }
  compile(op, dtype, k.shape.length, r.shape.length)(
    out,
    dataOf(x.storage),
    x.offset,
    k.shape,
    k.strides[0],
    r.shape,
    r.strides[0],
  );
  return out;
}

/** Reductions of fewer values stay in JavaScript, where the call costs more than it saves. */
const WASM_REDUCE_MIN = 1 << 10;

/**
 * x's dims as [outer, rows, n, inner] reduced along outer and n, where they fit that: size-1
 * dims dropped and neighbours of one kind merged, the blocks must read (reduced)? kept?
 * reduced kept?. null for other patterns, which stay in JavaScript.
 */
function reduceLayout(shape: Shape, dims: readonly number[]): ReduceLayout | null {
  const blocks: { size: number; reduced: boolean }[] = [];
  shape.forEach((size, d) => {
    const reduced = dims.includes(d);
    const last = blocks[blocks.length - 1];
    if (size === 1) return;
    if (last && last.reduced === reduced) last.size *= size;
    else blocks.push({ size, reduced });
  });
  const take = (reduced: boolean) =>
    blocks.length > 0 && blocks[blocks.length - 1].reduced === reduced ? blocks.pop()!.size : 1;
  const inner = take(false);
  const n = take(true);
  const rows = take(false);
  const outer = take(true);
  return blocks.length === 0 ? { outer, rows, n, inner } : null;
}

/**
 * A sum, max or min of dense float32 x on the native kernel (in place), else the WebAssembly
 * one (which copies x in), into out; false where neither applies.
 */
function reduceOnKernels(op: ReduceOp, x: View, dims: readonly number[], out: TypedArray): boolean {
  const kind = REDUCE_KINDS[op as keyof typeof REDUCE_KINDS];
  const dense = kind !== undefined && numelOf(x.shape) >= WASM_REDUCE_MIN ? denseFloat32(x) : null;
  const layout = dense ? reduceLayout(x.shape, dims) : null;
  if (!dense || !layout) return false;
  const nk = native();
  if (nk) {
    const { outer, rows, n, inner } = layout;
    nk.reduce(kind, dense, outer, rows, n, inner, out as Float32Array);
    return true;
  }
  const w = wasm();
  if (!w) return false;
  out.set(wasmReduce(w, kind, dense, layout));
  return true;
}

/** softmax (log_softmax where `log`) of dense float32 x along dim; null where it declines. */
export function softmax(x: View, dim: number, log: boolean): Float32Array | null {
  const dense = denseFloat32(x);
  const w = dense ? wasm() : null;
  if (!w || !dense || dense.length === 0 || x.shape.length === 0) return null;
  const out = allocArray('float32', dense.length) as Float32Array;
  const inner = numelOf(x.shape.slice(dim + 1));
  const n = x.shape[dim];
  wasmSoftmax(w, dense, out, dense.length / (n * inner), n, inner, log);
  return out;
}

/** Storage offsets at which each line along `dim` starts, in row-major order of the other dims. */
export function lineStarts(x: View, dim: number): Float64Array {
  const dims = x.shape.map((_, d) => d).filter((d) => d !== dim);
  const shape = dims.map((d) => x.shape[d]);
  const strides = dims.map((d) => x.strides[d]);
  const starts = new Float64Array(numelOf(shape));
  const idx = new Array<number>(shape.length).fill(0);
  let p = x.offset;
  for (let i = 0; i < starts.length; i++) {
    starts[i] = p;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        p += strides[d];
        break;
      }
      p -= strides[d] * (shape[d] - 1);
      idx[d] = 0;
    }
  }
  return starts;
}

export function argReduce(op: ArgReduceOp, x: View, dim: number): Float64Array {
  const a = dataOf(x.storage);
  const n = x.shape[dim];
  const sign = op === 'argmax' ? 1 : -1;
  const inner = numelOf(x.shape.slice(dim + 1));
  if (inner > 1 && isContiguousLayout(x.shape, x.strides)) {
    return argReduceInner(a, x.offset, numelOf(x.shape) / (n * inner), n, inner, sign);
  }
  const starts = lineStarts(x, dim);
  const s = x.strides[dim];
  const out = new Float64Array(starts.length);
  for (let i = 0; i < starts.length; i++) {
    let p = starts[i];
    let best = a[p] * sign;
    let bi = 0;
    for (let j = 1; j < n && best === best; j++) {
      p += s;
      const v = a[p] * sign;
      if (v > best || v !== v) {
        best = v;
        bi = j;
      }
    }
    out[i] = bi;
  }
  return out;
}

/**
 * argReduce of a contiguous x along a dim with `inner` elements after it, read in memory
 * order: each of the n slices updates a running best for the whole inner block.
 */
function argReduceInner(
  a: TypedArray,
  offset: number,
  outer: number,
  n: number,
  inner: number,
  sign: number,
): Float64Array {
  const out = new Float64Array(outer * inner);
  const best = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = offset + o * n * inner;
    const ob = o * inner;
    for (let i = 0; i < inner; i++) best[i] = a[base + i] * sign;
    for (let j = 1; j < n; j++) {
      const row = base + j * inner;
      for (let i = 0; i < inner; i++) {
        const v = a[row + i] * sign;
        const b = best[i];
        // The first NaN wins and stays: nothing compares greater than it afterwards.
        if ((v > b || v !== v) && b === b) {
          best[i] = v;
          out[ob + i] = j;
        }
      }
    }
  }
  return out;
}

/** Cumulative sum/product along `dim`; the result is contiguous in x's shape. */
export function cumulative(op: CumulativeOp, x: View, dim: number, dtype: DType): TypedArray {
  const a = dataOf(x.storage);
  const out = allocArray(dtype, numelOf(x.shape));
  const starts = lineStarts(x, dim);
  const n = x.shape[dim];
  const s = x.strides[dim];
  const inner = numelOf(x.shape.slice(dim + 1));
  const trunc = dtype === 'int64';
  for (let i = 0; i < starts.length; i++) {
    // Output line i starts where the row-major order of the other dims puts it.
    const o = Math.floor(i / inner) * n * inner + (i % inner);
    let acc = op === 'cumsum' ? 0 : 1;
    let p = starts[i];
    for (let j = 0; j < n; j++, p += s) {
      acc = op === 'cumsum' ? acc + a[p] : acc * a[p];
      out[o + j * inner] = trunc ? Math.trunc(acc) : acc;
    }
  }
  return out;
}
