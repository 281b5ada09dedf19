import { type DType, numelOf, type ScatterReduce, type View } from '@tensile/tensor';
import type { Texture } from 'gpu.js';
import { castTo, Program } from './program';
import type { GpuStorage } from './storage';

export function gather(x: View, dim: number, index: View): Texture | null {
  const p = new Program();
  const tx = p.tex(x.storage as GpuStorage);
  const ti = p.tex(index.storage as GpuStorage);
  const c = p.coords(index.shape);
  p.line(`const i = toInt(${ti}[${p.offset(index, c)}]);`);
  const strides = x.strides.map((s, d) => (d === dim ? 0 : s));
  return p.run(
    numelOf(index.shape),
    `${tx}[${p.offset(x, c, strides)} + i * ${p.int(x.strides[dim])}]`,
  );
}

/**
 * Each output element looks through the index entries that could land on it (same
 * coordinates off `dim`) and folds the matching sources, in index order; no write conflicts.
 */
export function scatter(
  x: View,
  dim: number,
  index: View,
  src: View,
  reduce: ScatterReduce,
  includeSelf: boolean,
  dtype: DType,
): Texture | null {
  const p = new Program();
  const tx = p.tex(x.storage as GpuStorage);
  const ti = p.tex(index.storage as GpuStorage);
  const ts = p.tex(src.storage as GpuStorage);
  const c = p.coords(x.shape);
  const cover = x.shape
    .map((_, d) => (d === dim ? '' : `c${d} < ${p.int(index.shape[d])}`))
    .filter(Boolean);
  const offDim = (v: View) => v.strides.map((s, d) => (d === dim ? 0 : s));
  p.line(`const self = ${tx}[${p.offset(x, c)}];`);
  p.line(
    `const bi = ${p.offset(index, c, offDim(index))}; const bs = ${p.offset(src, c, offDim(src))};`,
  );
  p.line(`let acc = self; let count = ${includeSelf || reduce === 'none' ? 1 : 0}; let hit = 0;`);
  const fold: Record<ScatterReduce, string> = {
    none: 'acc = v;',
    sum: 'acc = acc + v;',
    mean: 'acc = acc + v;',
    prod: 'acc = acc * v;',
    amax: 'if (v > acc || isNan(v) > 0) { acc = v; }',
    amin: 'if (v < acc || isNan(v) > 0) { acc = v; }',
  };
  const first = reduce === 'none' || includeSelf ? fold[reduce] : 'acc = v;';
  const body = [
    `if (toInt(${ti}[bi + k * ${p.int(index.strides[dim])}]) == c${dim}) {`,
    `const v = ${ts}[bs + k * ${p.int(src.strides[dim])}];`,
    `if (hit == 0) { ${first} } else { ${fold[reduce]} }`,
    'hit = 1; count = count + 1; }',
  ].join(' ');
  const guard = cover.length ? `if (${cover.join(' && ')}) ` : '';
  p.line(`${guard}{ for (let k = 0; k < ${p.int(index.shape[dim])}; k++) { ${body} } }`);
  let result = 'acc';
  if (reduce === 'mean') {
    const q = 'acc / (count > 0 ? count : 1)';
    result = dtype === 'float32' ? q : `Math.floor(${q})`;
  }
  return p.run(numelOf(x.shape), `(hit > 0 ? ${castTo(result, dtype)} : self)`);
}

/**
 * A stable sort as two passes of counting: each element's rank is the number of elements of
 * its line that order before it (NaN largest, ties by position); the k-th output is the
 * element of rank k. Quadratic per line, fine for the lines a model sorts.
 */
export function sortIndices(x: View, dim: number, descending: boolean): Texture | null {
  const before = descending
    ? '(isNan(w) > 0 && isNan(v) == 0) || (isNan(w) + isNan(v) == 0 && w > v)'
    : '(isNan(w) == 0 && isNan(v) > 0) || (isNan(w) + isNan(v) == 0 && w < v)';
  const same = '(isNan(w) > 0 && isNan(v) > 0) || w == v';
  const n = x.shape[dim];
  const line = (p: Program, v: Pick<View, 'shape' | 'strides' | 'offset'>) => {
    const c = p.coords(v.shape);
    p.line(
      `const base = ${p.offset(
        v,
        c,
        v.strides.map((s, d) => (d === dim ? 0 : s)),
      )};`,
    );
    return c;
  };
  const rp = new Program();
  const tx = rp.tex(x.storage as GpuStorage);
  line(rp, x);
  const sd = rp.int(x.strides[dim]);
  rp.line(`const v = ${tx}[base + c${dim} * ${sd}]; let rank = 0;`);
  rp.line(`for (let j = 0; j < ${rp.int(n)}; j++) { const w = ${tx}[base + j * ${sd}];`);
  rp.line(`if (${before} || ((${same}) && j < c${dim})) { rank = rank + 1; } }`);
  const ranks = rp.run(numelOf(x.shape), 'rank');
  if (!ranks) return null;
  // The ranks are a contiguous tensor of x's shape.
  const rv = {
    shape: x.shape,
    strides: x.shape.map((_, d) => x.shape.slice(d + 1).reduce((a, b) => a * b, 1)),
    offset: 0,
  };
  const ip = new Program();
  const tr = ip.texture(ranks);
  line(ip, rv);
  const rd = ip.int(rv.strides[dim]);
  ip.line(`let at = 0; for (let j = 0; j < ${ip.int(n)}; j++) {`);
  ip.line(`if (toInt(${tr}[base + j * ${rd}]) == c${dim}) { at = j; } }`);
  const out = ip.run(numelOf(x.shape), 'at');
  ranks.delete();
  return out;
}
