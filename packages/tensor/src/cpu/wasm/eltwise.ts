/**
 * Elementwise float32 ops on the WebAssembly kernels: operands copied in, one SIMD pass (on
 * every thread for long runs), the result copied out. Dense runs only; the caller checks.
 */
import type { BinaryOp, UnaryOp } from '../../backend';
import { floatBytes, share, type Wasm } from './runtime';

const OP_ELTWISE = 6;

/** The ops with a kernel, by their numbers in wasm/kernels.h (ELT_*). */
export const ELTWISE: Partial<Record<BinaryOp | UnaryOp, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
  relu: 6,
  reluBackward: 7,
  sqrt: 8,
  abs: 9,
  exp: 10,
  log: 11,
  tanh: 12,
  sigmoid: 13,
};

/** Ops whose kernel costs tens of flops a value: threads pay off on shorter runs. */
const HEAVY = new Set([10, 11, 12, 13]);

/** Runs shorter than this stay in JavaScript: the copies and the call cost more than they save. */
export const ELTWISE_MIN = 1 << 12;
/** Runs this long are split across the threads (shorter ones: a wake-up costs more than the half). */
const PARALLEL = 1 << 22;
const PARALLEL_HEAVY = 1 << 15;

/**
 * out = op(a, b) over a run; b is a run of the same length (bStep 1), one broadcast value
 * (bStep 0), one row repeated over the run (bStep 2: its length divides out's), or null.
 */
export function wasmEltwise(
  w: Wasm,
  op: number,
  out: Float32Array,
  a: Float32Array,
  b: Float32Array | null,
  bStep: 0 | 1 | 2,
): void {
  const n = out.length;
  const bytes = floatBytes(n);
  const bLen = b ? [1, n, b.length][bStep] : 0;
  const base = w.scratch(2 * bytes + floatBytes(bLen));
  const f32 = w.f32;
  f32.set(a.subarray(0, n), base / 4);
  if (b) f32.set(b.subarray(0, bLen), (base + 2 * bytes) / 4);
  const tasks = n >= (HEAVY.has(op) ? PARALLEL_HEAVY : PARALLEL) ? w.threads : 1;
  const bAt = b ? base + 2 * bytes : 0;
  // Shares on multiples of 4, so that every task's vectors line up (of whole rows for bStep 2).
  const quantum = bStep === 2 ? bLen : 4;
  for (let t = 0; t < tasks; t++) {
    const range = share(n, tasks, t, quantum);
    w.setTask(t, [OP_ELTWISE, op, base, bAt, base + bytes, bStep, ...range, bLen]);
  }
  w.run(tasks, tasks > 1);
  out.set(w.f32.subarray((base + bytes) / 4, (base + bytes) / 4 + n));
}
