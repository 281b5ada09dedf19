import { coalesce, contiguousStrides, type DType, numelOf, type View } from '@tensile/tensor';
import type { Texture } from 'gpu.js';
import type { Expr } from './expressions';
import { castTo, Program } from './program';
import type { GpuStorage } from './storage';

/** Evaluates `expr` over `inputs` (all of one shape) into a new contiguous texture. */
export function map(expr: Expr, inputs: readonly View[], dtype: DType): Texture | null {
  const shape = inputs[0].shape;
  const c = coalesce(shape, [contiguousStrides(shape), ...inputs.map((v) => v.strides)]);
  const p = new Program();
  const coords = p.coords(c.shape);
  inputs.forEach((v, k) => {
    const t = p.tex(v.storage as GpuStorage);
    p.line(`const v${k} = ${t}[${p.offset(v, coords, c.strides[k + 1])}];`);
  });
  return p.run(numelOf(shape), castTo(expr.code, dtype, expr.bool));
}

/**
 * Dims of a strided window ordered so that a storage position decomposes greedily into
 * coordinates (largest stride first), or null when the window is not laid out that way
 * (overlapping or interleaved strides).
 */
function decomposable(view: View): number[] | null {
  const dims = view.shape.map((_, d) => d).filter((d) => view.shape[d] > 1);
  if (dims.some((d) => view.strides[d] <= 0)) return null;
  dims.sort((a, b) => view.strides[b] - view.strides[a]);
  let span = 0;
  for (let k = dims.length - 1; k >= 0; k--) {
    const d = dims[k];
    if (view.strides[d] <= span) return null;
    span += (view.shape[d] - 1) * view.strides[d];
  }
  return dims;
}

/**
 * A new version of `dst`'s whole storage with the window `dst` replaced by `value(coords)`:
 * each storage position finds its coordinates in the window, if it has any. Textures are
 * written whole in WebGL, so an in-place write is a copy with the window changed.
 */
export function writeWindow(
  dst: View,
  value: (p: Program, coords: string[]) => string,
): Texture | null {
  const dims = decomposable(dst);
  if (dims === null) return null;
  const p = new Program();
  const old = p.tex(dst.storage as GpuStorage);
  p.line('const q = this.thread.x;');
  p.line(`let rem = q - ${p.int(dst.offset)};`);
  p.line('let inside = 1; if (rem < 0) { inside = 0; }');
  const coords = dst.shape.map((_, d) => `c${d}`);
  dst.shape.forEach((n, d) => {
    if (n <= 1) p.line(`const c${d} = ${p.int(0)};`);
  });
  for (const d of dims) {
    const s = p.int(dst.strides[d]);
    p.line(`const c${d} = idiv(rem, ${s}); rem = rem - c${d} * ${s};`);
    p.line(`if (c${d} >= ${p.int(dst.shape[d])}) { inside = 0; }`);
  }
  p.line('if (rem != 0) { inside = 0; }');
  const v = value(p, coords);
  return p.run(dst.storage.size, `(inside > 0 ? ${castTo(v, dst.dtype)} : ${old}[q])`);
}
