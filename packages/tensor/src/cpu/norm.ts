/**
 * Batch norm in training mode as two passes forward and two back over a dense [N, C, S] array,
 * where composing it took a dozen (and as many temporaries). Sums are kept in double. float32
 * runs on the native tier where it is loaded (the same sums in the same order, so the same
 * results), float64 and the rest here.
 */
import type { View } from '../backend';
import { numelOf } from '../shape';
import { native } from './native';
import { allocArray, denseRun } from './storage';

type Floats = Float32Array | Float64Array;

const dense = (v: View) => denseRun(v) as Floats;

/** [N, C, S] of an input whose dim 1 holds the channels. */
function layout(shape: readonly number[]): [number, number, number] {
  return [shape[0], shape[1], numelOf(shape.slice(2))];
}

export function batchNorm(x: View, weight: View, bias: View, eps: number) {
  const [n, c, s] = layout(x.shape);
  const [xs, w, b] = [dense(x), dense(weight), dense(bias)];
  const nk = x.dtype === 'float32' ? native() : null;
  if (nk) {
    const out = allocArray('float32', xs.length) as Float32Array;
    const [mean, invstd] = [new Float32Array(c), new Float32Array(c)];
    nk.batchNorm(
      n,
      c,
      s,
      eps,
      xs as Float32Array,
      w as Float32Array,
      b as Float32Array,
      out,
      mean,
      invstd,
    );
    return { out, mean, invstd };
  }
  const count = n * s;
  const mean = new Float64Array(c);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) {
      const base = (i * c + ch) * s;
      let acc = 0;
      for (let j = 0; j < s; j++) acc += xs[base + j];
      mean[ch] += acc;
    }
  for (let ch = 0; ch < c; ch++) mean[ch] /= count;
  // The variance from the centred values (two passes), as torch's: no cancellation.
  const invstd = new Float64Array(c);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) {
      const base = (i * c + ch) * s;
      const m = mean[ch];
      let acc = 0;
      for (let j = 0; j < s; j++) acc += (xs[base + j] - m) ** 2;
      invstd[ch] += acc;
    }
  for (let ch = 0; ch < c; ch++) invstd[ch] = 1 / Math.sqrt(invstd[ch] / count + eps);
  const out = allocArray(x.dtype, xs.length) as Floats;
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) {
      const [m, k, shift] = [mean[ch], invstd[ch] * w[ch], b[ch]];
      const base = (i * c + ch) * s;
      for (let j = 0; j < s; j++) out[base + j] = (xs[base + j] - m) * k + shift;
    }
  const stat = (v: Float64Array): Floats => (x.dtype === 'float64' ? v : Float32Array.from(v));
  return { out, mean: stat(mean), invstd: stat(invstd) };
}

export function batchNormBackward(grad: View, x: View, mean: View, invstd: View, weight: View) {
  const [n, c, s] = layout(x.shape);
  const [g, xs, m, r, w] = [dense(grad), dense(x), dense(mean), dense(invstd), dense(weight)];
  const nk = x.dtype === 'float32' ? native() : null;
  if (nk) {
    const dx = allocArray('float32', xs.length) as Float32Array;
    const [dweight, dbias] = [new Float32Array(c), new Float32Array(c)];
    const f = [g, xs, m, r, w] as Float32Array[];
    nk.batchNormBackward(n, c, s, f[0], f[1], f[2], f[3], f[4], dx, dweight, dbias);
    return { dx, dweight, dbias };
  }
  const count = n * s;
  const sumG = new Float64Array(c);
  const sumGX = new Float64Array(c); // sum of g * (x - mean)
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) {
      const base = (i * c + ch) * s;
      const mc = m[ch];
      let [a, b] = [0, 0];
      for (let j = 0; j < s; j++) {
        const gv = g[base + j];
        a += gv;
        b += gv * (xs[base + j] - mc);
      }
      sumG[ch] += a;
      sumGX[ch] += b;
    }
  // dx = w * invstd * (g - mean(g) - x̂ * mean(g * x̂)), with x̂ = (x - mean) * invstd.
  const dx = allocArray(x.dtype, xs.length) as Floats;
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) {
      const k = w[ch] * r[ch];
      const shift = sumG[ch] / count;
      const slope = (r[ch] * r[ch] * sumGX[ch]) / count;
      const mc = m[ch];
      const base = (i * c + ch) * s;
      for (let j = 0; j < s; j++)
        dx[base + j] = k * (g[base + j] - shift - (xs[base + j] - mc) * slope);
    }
  const dweight = allocArray(weight.dtype, c) as Floats;
  const dbias = allocArray(weight.dtype, c) as Floats;
  for (let ch = 0; ch < c; ch++) {
    dweight[ch] = sumGX[ch] * r[ch];
    dbias[ch] = sumG[ch];
  }
  return { dx, dweight, dbias };
}
