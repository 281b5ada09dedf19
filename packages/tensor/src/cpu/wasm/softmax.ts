/** softmax and log_softmax along one dim, and float32 reductions, on the WebAssembly kernels. */
import { floatBytes, share, type Wasm } from './runtime';

const OP_SOFTMAX = 9;
const OP_REDUCE = 10;
/** Values from which softmax runs on every thread (its exp costs ~20 flops a value). */
const PARALLEL = 1 << 15;

/** out = (log_)softmax of x, dense [outer, n, inner], along n. */
export function wasmSoftmax(
  w: Wasm,
  x: Float32Array,
  out: Float32Array,
  outer: number,
  n: number,
  inner: number,
  log: boolean,
): void {
  const bytes = floatBytes(x.length);
  const base = w.scratch(2 * bytes);
  w.f32.set(x, base / 4);
  const tasks = x.length >= PARALLEL ? Math.min(w.threads, outer) : 1;
  for (let t = 0; t < tasks; t++) {
    w.setTask(t, [OP_SOFTMAX, +log, base, base + bytes, n, inner, ...share(outer, tasks, t)]);
  }
  w.run(tasks, tasks > 1);
  out.set(w.f32.subarray((base + bytes) / 4, (base + bytes) / 4 + x.length));
}

/** Reduction kinds by their numbers in wasm/kernels.h (RED_*). */
export const REDUCE_KINDS = { sum: 0, max: 1, min: 2 } as const;

/** x's layout for wasmReduce: [outer, rows, n, inner], reduced along outer and n. */
export interface ReduceLayout {
  outer: number;
  rows: number;
  n: number;
  inner: number;
}

/**
 * x reduced: [rows, inner] as doubles (sums keep their double totals until the caller stores
 * them). One thread: the copy in costs more than the reduction, and splitting it would not
 * shorten the copy.
 */
export function wasmReduce(w: Wasm, kind: number, x: Float32Array, l: ReduceLayout): Float64Array {
  const { outer, rows, n, inner } = l;
  const bytes = floatBytes(x.length);
  const base = w.scratch(bytes + rows * inner * 8);
  w.f32.set(x, base / 4);
  w.setTask(0, [OP_REDUCE, kind, base, base + bytes, outer, rows, n, inner]);
  w.run(1, false);
  const at = (base + bytes) / 8;
  return new Float64Array(w.memory.buffer, 0).slice(at, at + rows * inner);
}
