/** The fused LSTM cell and its gradient on the WebAssembly kernels (wasm/lstm.c). */
import { floatBytes, share, type Wasm } from './runtime';

const OP_LSTM_CELL = 13;
const OP_LSTM_CELL_BACKWARD = 14;
/** Gate values from which the rows are split across the threads (each costs ~100 flops). */
const PARALLEL = 1 << 15;

/** Copies the operands into scratch (null stays 0), returning their byte offsets and the end. */
function place(w: Wasm, arrays: readonly (Float32Array | null)[], outs: readonly number[]) {
  const sizes = [...arrays.map((a) => (a ? floatBytes(a.length) : 0)), ...outs.map(floatBytes)];
  const base = w.scratch(sizes.reduce((s, b) => s + b, 0));
  const at: number[] = [];
  let p = base;
  for (const b of sizes) {
    at.push(b ? p : 0);
    p += b;
  }
  arrays.forEach((a, i) => {
    if (a) w.f32.set(a, at[i] / 4);
  });
  return at;
}

function runRows(w: Wasm, words: (r0: number, r1: number) => number[], rows: number, work: number) {
  const tasks = work >= PARALLEL ? Math.min(w.threads, rows) : 1;
  for (let t = 0; t < tasks; t++) w.setTask(t, words(...share(rows, tasks, t)));
  w.run(tasks, tasks > 1);
}

function read(w: Wasm, at: readonly number[], outs: readonly Float32Array[]): void {
  outs.forEach((o, i) => {
    o.set(w.f32.subarray(at[i] / 4, at[i] / 4 + o.length));
  });
}

/** outs = [hy, cy, workspace] from dense gates [rows, 4 hidden] and cx [rows, hidden]. */
export function wasmLstmCell(
  w: Wasm,
  [xg, hg, cx]: readonly Float32Array[],
  outs: readonly Float32Array[],
  hidden: number,
): void {
  const n = cx.length;
  const [a, b, c, ...at] = place(w, [xg, hg, cx], [n, n, 4 * n]);
  runRows(w, (r0, r1) => [OP_LSTM_CELL, a, b, c, 0, 0, ...at, hidden, r0, r1], n / hidden, 4 * n);
  read(w, at, outs);
}

/**
 * outs = [grad of the gates, grad of cx] from ins = [grad of hy, grad of cy (each null for
 * zeros), cx, cy, workspace].
 */
export function wasmLstmCellBackward(
  w: Wasm,
  ins: readonly (Float32Array | null)[],
  outs: readonly Float32Array[],
  hidden: number,
): void {
  const n = outs[1].length;
  const [a, b, c, y, ws, ...at] = place(w, ins, [4 * n, n]);
  const words = (r0: number, r1: number) => [
    OP_LSTM_CELL_BACKWARD,
    a,
    b,
    c,
    ws,
    y,
    ...at,
    0,
    hidden,
    r0,
    r1,
  ];
  runRows(w, words, n / hidden, 4 * n);
  read(w, at, outs);
}
