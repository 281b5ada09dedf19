/**
 * im2col and col2im as direct loops: one pass over the columns, with the padded border handled
 * by index ranges instead of a padded copy of the image (the strided-copy composition that
 * other backends get took a padded buffer, a 6-D copy and, for col2im, one add per kernel
 * position).
 */
import type { AvgPoolDivisor, View, WindowGeometry } from '../backend';
import type { TypedArray } from '../dtype';
import { isContiguousLayout, type Shape } from '../shape';
import { native, nativeGeometry } from './native';
import { allocArray, allocUninit, dataOf, denseFloat32 } from './storage';
import { wasmAvgPool, wasmMaxPool } from './wasm/pooling';
import { wasm } from './wasm/runtime';

/** Output positions o in [0, out) whose input position o * stride + start lies in [0, size). */
function validRange(out: number, stride: number, start: number, size: number): [number, number] {
  const lo = start >= 0 ? 0 : Math.ceil(-start / stride);
  const hi = Math.min(out, Math.floor((size - 1 - start) / stride) + 1);
  return [Math.min(lo, out), Math.max(Math.min(lo, out), hi)];
}

/** A row of the column matrix: kernel position (ci, ki, kj) and the windows that see the image. */
interface WindowRow {
  row: number;
  ci: number;
  /** Image row and column of output position 0 (may be negative: padding). */
  y0: number;
  x0: number;
  /** Output rows [oyLo, oyHi) and columns [oxLo, oxHi) whose input lies inside the image. */
  oyLo: number;
  oyHi: number;
  oxLo: number;
  oxHi: number;
}

/** Calls `visit` for each (channel, kernel row, kernel column) row of the column matrix. */
function eachRow(g: WindowGeometry, visit: (r: WindowRow) => void): void {
  const { c, h, w, kernel, dilation, padding, stride, out } = g;
  let row = 0;
  for (let ci = 0; ci < c; ci++) {
    for (let ki = 0; ki < kernel[0]; ki++) {
      const y0 = ki * dilation[0] - padding[0];
      const [oyLo, oyHi] = validRange(out[0], stride[0], y0, h);
      for (let kj = 0; kj < kernel[1]; kj++, row++) {
        const x0 = kj * dilation[1] - padding[1];
        const [oxLo, oxHi] = validRange(out[1], stride[1], x0, w);
        visit({ row, ci, y0, x0, oyLo, oyHi, oxLo, oxHi });
      }
    }
  }
}

export function im2col(x: View, g: WindowGeometry, padValue: number): TypedArray {
  const { n, c, kernel, stride, out } = g;
  const [oh, ow] = out;
  const plane = oh * ow;
  const cols = allocArray(x.dtype, c * kernel[0] * kernel[1] * n * plane);
  if (padValue !== 0) cols.fill(padValue);
  const src = dataOf(x.storage);
  const [sn, sc, sh, sw] = x.strides;
  const step = stride[1] * sw;
  eachRow(g, ({ row, ci, y0, x0, oyLo, oyHi, oxLo, oxHi }) => {
    for (let ni = 0; ni < n; ni++) {
      const base = x.offset + ni * sn + ci * sc;
      const dst = (row * n + ni) * plane;
      for (let oy = oyLo; oy < oyHi; oy++) {
        let p = base + (oy * stride[0] + y0) * sh + (oxLo * stride[1] + x0) * sw;
        let d = dst + oy * ow + oxLo;
        for (let ox = oxLo; ox < oxHi; ox++, p += step) cols[d++] = src[p];
      }
    }
  });
  return cols;
}

export function col2im(cols: View, g: WindowGeometry): TypedArray {
  const { n, c, h, w, stride, out } = g;
  const [oh, ow] = out;
  const img = allocArray(cols.dtype, n * c * h * w);
  const src = dataOf(cols.storage);
  const [rs, cs] = cols.strides;
  eachRow(g, ({ row, ci, y0, x0, oyLo, oyHi, oxLo, oxHi }) => {
    for (let ni = 0; ni < n; ni++) {
      const base = (ni * c + ci) * h * w;
      for (let oy = oyLo; oy < oyHi; oy++) {
        let d = base + (oy * stride[0] + y0) * w + oxLo * stride[1] + x0;
        let p = cols.offset + row * rs + ((ni * oh + oy) * ow + oxLo) * cs;
        for (let ox = oxLo; ox < oxHi; ox++, p += cs, d += stride[1]) img[d] += src[p];
      }
    }
  });
  return img;
}

/** Each window's max (in x's dtype, where `withValues`) and its index into its H*W plane. */
export function maxPool(
  x: View,
  g: WindowGeometry,
  withValues: boolean,
): { values: TypedArray | null; indices: TypedArray } {
  const { n, c, h, w, kernel, dilation, padding, stride, out } = g;
  const [oh, ow] = out;
  const idx = allocArray('int64', n * c * oh * ow);
  const values = withValues ? allocArray(x.dtype, idx.length) : null;
  const nk = native();
  const dense = denseFloat32(x);
  if (nk && dense) {
    nk.maxPool(nativeGeometry(g, g.c), dense, idx as Float64Array, values as Float32Array | null);
    return { values, indices: idx };
  }
  const k = wasm();
  if (k && dense) {
    wasmMaxPool(k, g, dense, idx as Float64Array, values as Float32Array | null);
    return { values, indices: idx };
  }
  const src = dataOf(x.storage);
  const [sn, sc, sh, sw] = x.strides;
  let o = 0;
  for (let ni = 0; ni < n; ni++) {
    for (let ci = 0; ci < c; ci++) {
      const base = x.offset + ni * sn + ci * sc;
      for (let oy = 0; oy < oh; oy++) {
        const y0 = oy * stride[0] - padding[0];
        for (let ox = 0; ox < ow; ox++, o++) {
          const x0 = ox * stride[1] - padding[1];
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let ki = 0; ki < kernel[0]; ki++) {
            const iy = y0 + ki * dilation[0];
            if (iy < 0 || iy >= h) continue;
            for (let kj = 0; kj < kernel[1]; kj++) {
              const ix = x0 + kj * dilation[1];
              if (ix < 0 || ix >= w) continue;
              const v = src[base + iy * sh + ix * sw];
              if (at < 0 || v > best || v !== v) {
                best = v;
                at = iy * w + ix;
              }
            }
          }
          idx[o] = at;
          if (values) values[o] = best;
        }
      }
    }
  }
  return { values, indices: idx };
}

/**
 * max pooling's gradient: each output gradient added at its window's argmax in a zero image
 * [N, C, H, W] (windows may share an argmax). grad and indices are dense [N, C, oh, ow].
 */
export function maxPoolBackward(grad: View, indices: View, inputShape: Shape): TypedArray {
  const [n, c, h, w] = inputShape;
  const plane = h * w;
  const windows = indices.shape[2] * indices.shape[3];
  const nk = native();
  const dense = nk && denseFloat32(grad);
  if (nk && dense && isContiguousLayout(indices.shape, indices.strides)) {
    const out = allocUninit('float32', n * c * plane) as Float32Array;
    const idx = (dataOf(indices.storage) as Float64Array).subarray(
      indices.offset,
      indices.offset + dense.length,
    );
    const [oh, ow] = [indices.shape[2], indices.shape[3]];
    // Only the plane sizes matter to the gradient: windows of one value, no stride or padding.
    nk.maxPoolBackward([n, c, h, w, c, 1, 1, 1, 1, 0, 0, 1, 1, oh, ow], dense, idx, out);
    return out;
  }
  const out = allocArray(grad.dtype, n * c * plane);
  const src = dataOf(grad.storage);
  const idx = dataOf(indices.storage);
  for (let p = 0, o = 0; p < n * c; p++) {
    const base = p * plane;
    for (let e = o + windows; o < e; o++) {
      out[base + idx[indices.offset + o]] += src[grad.offset + o];
    }
  }
  return out;
}

/**
 * Average pooling (or, where `backward`, its gradient from the output gradient) of dense
 * float32 operands on the WebAssembly kernels; null where they do not apply.
 */
export function avgPool(
  x: View,
  g: WindowGeometry,
  d: AvgPoolDivisor,
  backward: boolean,
): Float32Array | null {
  const k = wasm();
  const dense = k && denseFloat32(x);
  if (!k || !dense) return null;
  const size = backward ? g.n * g.c * g.h * g.w : g.n * g.c * g.out[0] * g.out[1];
  const out = allocArray('float32', size) as Float32Array;
  wasmAvgPool(k, g, dense, out, backward, d);
  return out;
}
