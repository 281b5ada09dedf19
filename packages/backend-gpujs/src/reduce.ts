import {
  type ArgReduceOp,
  type CumulativeOp,
  coalesce,
  contiguousStrides,
  type DType,
  numelOf,
  type ReduceOp,
  type View,
} from '@tensile/tensor';
import type { Texture } from 'gpu.js';
import { castTo, Program } from './program';
import { type GpuStorage, MAX_ELEMENTS } from './storage';

/** How each reduction starts and folds a value v into acc (NaN sticks for max/min). */
const FOLD: Record<ReduceOp, { init: string; step: string }> = {
  // A plain float32 sum: Mesa's compiler would fold a Kahan compensation away.
  sum: { init: '0', step: 'acc = acc + v;' },
  prod: { init: '1', step: 'acc = acc * v;' },
  max: {
    init: '0',
    step: 'if (isNan(acc) == 0 && (seen == 0 || v > acc || isNan(v) > 0)) { acc = v; } seen = 1;',
  },
  min: {
    init: '0',
    step: 'if (isNan(acc) == 0 && (seen == 0 || v < acc || isNan(v) > 0)) { acc = v; } seen = 1;',
  },
  any: { init: '0', step: 'if (v != 0) { acc = 1; }' },
  all: { init: '1', step: 'if (v == 0) { acc = 0; }' },
};

/** Nested loops over `shape` (loop variables j0..) with `at` the position read; `body` innermost. */
function loops(
  p: Program,
  shape: readonly number[],
  strides: readonly number[],
  body: string,
): void {
  const heads = shape.map((n, d) => `for (let j${d} = 0; j${d} < ${p.int(n)}; j${d}++) {`);
  const offset = strides.map((s, d) => `j${d} * ${p.int(s)}`).join(' + ');
  p.line(`${heads.join(' ')} const at = base + ${offset}; ${body} ${'}'.repeat(shape.length)}`);
}

export function reduce(
  op: ReduceOp,
  x: View,
  dims: readonly number[],
  dtype: DType,
): Texture | null {
  const kept = x.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const outShape = kept.map((d) => x.shape[d]);
  const k = coalesce(outShape, [contiguousStrides(outShape), kept.map((d) => x.strides[d])]);
  const r = coalesce(
    dims.map((d) => x.shape[d]),
    [dims.map((d) => x.strides[d])],
  );
  const p = new Program();
  const t = p.tex(x.storage as GpuStorage);
  const coords = p.coords(k.shape);
  p.line(`const base = ${p.offset(x, coords, k.strides[1])};`);
  p.line(`let acc = ${FOLD[op].init}.0; let seen = 0;`);
  if (numelOf(dims.map((d) => x.shape[d])) > 0)
    loops(p, r.shape, r.strides[0], `const v = ${t}[at]; ${FOLD[op].step}`);
  return p.run(numelOf(outShape), castTo('acc', dtype));
}

/** Position along `dim` of the first max (min); a NaN counts as both. */
export function argReduce(op: ArgReduceOp, x: View, dim: number): Texture | null {
  const outShape = x.shape.filter((_, d) => d !== dim);
  const strides = x.strides.filter((_, d) => d !== dim);
  const cmp = op === 'argmax' ? '>' : '<';
  const p = new Program();
  const t = p.tex(x.storage as GpuStorage);
  const coords = p.coords(outShape);
  const sd = p.int(x.strides[dim]);
  p.line(`const base = ${p.offset(x, coords, strides)};`);
  p.line(`let best = ${t}[base]; let bi = 0;`);
  p.line(`for (let j = 1; j < ${p.int(x.shape[dim])}; j++) {`);
  p.line(`const v = ${t}[base + j * ${sd}];`);
  p.line(`if (isNan(best) == 0 && (isNan(v) > 0 || v ${cmp} best)) { best = v; bi = j; } }`);
  return p.run(numelOf(outShape), 'bi');
}

/** Running sum or product along `dim`: each output folds its prefix. */
export function cumulative(op: CumulativeOp, x: View, dim: number, dtype: DType): Texture | null {
  const p = new Program();
  const t = p.tex(x.storage as GpuStorage);
  const coords = p.coords(x.shape);
  const strides = x.strides.map((s, d) => (d === dim ? 0 : s));
  const sd = p.int(x.strides[dim]);
  p.line(`const base = ${p.offset(x, coords, strides)};`);
  p.line(`const m = c${dim} + 1;`);
  p.line(`let acc = ${op === 'cumsum' ? '0.0' : '1.0'};`);
  const fold = op === 'cumsum' ? 'acc = acc + v;' : 'acc = acc * v;';
  p.line(`for (let j = 0; j < m; j++) { const v = ${t}[base + j * ${sd}]; ${fold} }`);
  return p.run(numelOf(x.shape), castTo('acc', dtype));
}

/** Below this many outputs a long K is split over threads: one thread per output would idle most. */
const SPLIT_BELOW = 1 << 16;
const CHUNK = 256;

/**
 * [...batch, M, K] x [...batch, K, N]: one thread per output element and a loop over K. When
 * there are few outputs and K is long (weight gradients: K = batch x pixels), the loop is cut
 * into chunks, each its own thread, and a second kernel sums the chunks.
 */
export function matmul(a: View, b: View, dtype: DType): Texture | null {
  const r = a.shape.length;
  const outShape = [...a.shape.slice(0, r - 1), b.shape[r - 1]];
  const k = a.shape[r - 1];
  const outputs = numelOf(outShape);
  const split =
    outputs < SPLIT_BELOW && k > 2 * CHUNK
      ? Math.min(Math.ceil(k / CHUNK), Math.floor(MAX_ELEMENTS / outputs))
      : 1;
  const chunk = Math.ceil(k / split);
  const p = new Program();
  const ta = p.tex(a.storage as GpuStorage);
  const tb = p.tex(b.storage as GpuStorage);
  const c = p.coords(split > 1 ? [split, ...outShape] : outShape);
  const oc = split > 1 ? c.slice(1) : c;
  const sa = a.strides.map((s, d) => (d === r - 1 ? 0 : s));
  const sb = b.strides.map((s, d) => (d === r - 2 ? 0 : s));
  p.line(`const ba = ${p.offset(a, oc, sa)}; const bb = ${p.offset(b, oc, sb)};`);
  p.line(`const ka = ${p.int(a.strides[r - 1])}; const kb = ${p.int(b.strides[r - 2])};`);
  const [from, to] =
    split > 1
      ? [
          `${c[0]} * ${p.int(chunk)}`,
          `Math.min(${c[0]} * ${p.int(chunk)} + ${p.int(chunk)}, ${p.int(k)})`,
        ]
      : ['0', p.int(k)];
  p.line(`const k0 = ${from}; const k1 = ${to};`);
  p.line('let acc = 0.0;');
  p.line(`for (let q = k0; q < k1; q++) { acc += ${ta}[ba + q * ka] * ${tb}[bb + q * kb]; }`);
  if (split === 1) return p.run(outputs, castTo('acc', dtype));
  const partial = p.run(split * outputs, 'acc') as Texture;
  const sum = new Program();
  const tp = sum.texture(partial);
  sum.line(
    `let acc = 0.0; for (let s = 0; s < ${sum.int(split)}; s++) { acc += ${tp}[s * ${sum.int(outputs)} + this.thread.x]; }`,
  );
  const out = sum.run(outputs, castTo('acc', dtype));
  partial.delete();
  return out;
}
