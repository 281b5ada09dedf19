/**
 * The fused LSTM cell (ops/lstm.ts) on dense operands: float32 on the WebAssembly kernels,
 * float64 (and float32 where WebAssembly is missing) in the loops below, which compute in
 * double and round once per stored value.
 */
import type { View } from '../backend';
import { numelOf } from '../shape';
import { allocUninit, denseRun } from './storage';
import { wasmLstmCell, wasmLstmCellBackward } from './wasm/lstm';
import { wasm } from './wasm/runtime';

type Floats = Float32Array | Float64Array;

const dense = (v: View | null) => v && (denseRun(v) as Floats);

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function alloc(like: View, sizes: readonly number[]): Floats[] {
  return sizes.map((n) => allocUninit(like.dtype, n) as Floats);
}

/** [hy, cy, workspace (the activated gates)] from gates [rows, 4H] and cx [rows, H]. */
export function lstmCell(inputGates: View, hiddenGates: View, cx: View): Floats[] {
  const [xg, hg, c] = [inputGates, hiddenGates, cx].map(dense) as Floats[];
  const n = c.length;
  const hidden = cx.shape[1];
  const outs = alloc(cx, [n, n, 4 * n]);
  const w = cx.dtype === 'float32' ? wasm() : null;
  if (w) {
    wasmLstmCell(w, [xg, hg, c] as Float32Array[], outs as Float32Array[], hidden);
    return outs;
  }
  const [hy, cy, act] = outs;
  for (let r = 0; r < n / hidden; r++) {
    for (let j = 0; j < hidden; j++) {
      const k = r * 4 * hidden + j;
      const i = sigmoid(xg[k] + hg[k]);
      const f = sigmoid(xg[k + hidden] + hg[k + hidden]);
      const g = Math.tanh(xg[k + 2 * hidden] + hg[k + 2 * hidden]);
      const o = sigmoid(xg[k + 3 * hidden] + hg[k + 3 * hidden]);
      const c2 = f * c[r * hidden + j] + i * g;
      act[k] = i;
      act[k + hidden] = f;
      act[k + 2 * hidden] = g;
      act[k + 3 * hidden] = o;
      cy[r * hidden + j] = c2;
      hy[r * hidden + j] = o * Math.tanh(c2);
    }
  }
  return outs;
}

/** [grad of the gates [rows, 4H], grad of cx] from the gradients of hy and cy (null for zeros). */
export function lstmCellBackward(
  gradHy: View | null,
  gradCy: View | null,
  cx: View,
  cy: View,
  workspace: View,
): Floats[] {
  const ins = [gradHy, gradCy, cx, cy, workspace].map(dense);
  const n = numelOf(cx.shape);
  const hidden = cx.shape[1];
  const outs = alloc(cx, [4 * n, n]);
  const w = cx.dtype === 'float32' ? wasm() : null;
  if (w) {
    wasmLstmCellBackward(w, ins as (Float32Array | null)[], outs as Float32Array[], hidden);
    return outs;
  }
  const [gh, gc, c, y, act] = ins as [Floats | null, Floats | null, Floats, Floats, Floats];
  const [dg, dc] = outs;
  for (let r = 0; r < n / hidden; r++) {
    for (let j = 0; j < hidden; j++) {
      const k = r * 4 * hidden + j;
      const m = r * hidden + j;
      const i = act[k];
      const f = act[k + hidden];
      const g = act[k + 2 * hidden];
      const o = act[k + 3 * hidden];
      const t = Math.tanh(y[m]);
      const h = gh ? gh[m] : 0;
      const d = (gc ? gc[m] : 0) + h * o * (1 - t * t);
      dg[k] = d * g * i * (1 - i);
      dg[k + hidden] = d * c[m] * f * (1 - f);
      dg[k + 2 * hidden] = d * i * (1 - g * g);
      dg[k + 3 * hidden] = h * t * o * (1 - o);
      dc[m] = d * f;
    }
  }
  return outs;
}
