/**
 * Optimizer steps on the WebAssembly kernels (wasm/optim.c): operands in, one SIMD pass over
 * every element (on every thread for large parameters), the updated ones out.
 */
import type { AdamStepOptions, SgdStepOptions } from '../../backend';
import { share, type Wasm } from './runtime';

const OP_SGD = 7;
const OP_ADAM = 8;
/** Parameters this long are split across the threads. */
const PARALLEL = 1 << 20;

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** A float32's bits as an int32 (float fields of a task record). */
function bits(x: number): number {
  f32[0] = x;
  return i32[0];
}

/**
 * Runs task `op` over arrays of one length (null: absent, passed as address 0), padded to
 * whole vectors with zeros, which every step keeps finite. The record is op, the arrays'
 * addresses, `words`, then the element range. Arrays flagged in `written` are copied back.
 */
function update(
  w: Wasm,
  op: number,
  arrays: readonly (Float32Array | null)[],
  written: readonly boolean[],
  words: readonly number[],
): void {
  const n = arrays[0]!.length;
  const padded = Math.ceil(n / 16) * 16;
  const base = w.scratch(padded * 4 * arrays.length);
  const at = arrays.map((a, i) => (a ? base + i * padded * 4 : 0));
  const mem = w.f32;
  arrays.forEach((a, i) => {
    if (!a) return;
    mem.set(a, at[i] / 4);
    mem.fill(0, at[i] / 4 + n, at[i] / 4 + padded);
  });
  const tasks = n >= PARALLEL ? w.threads : 1;
  for (let t = 0; t < tasks; t++)
    w.setTask(t, [op, ...at, ...words, ...share(padded, tasks, t, 4)]);
  w.run(tasks, tasks > 1);
  arrays.forEach((a, i) => {
    if (a && written[i]) a.set(w.f32.subarray(at[i] / 4, at[i] / 4 + n));
  });
}

export function wasmSgd(
  w: Wasm,
  p: Float32Array,
  g: Float32Array,
  b: Float32Array | null,
  opts: SgdStepOptions,
): void {
  update(
    w,
    OP_SGD,
    [p, g, b],
    [true, false, true],
    [
      bits(-opts.lr),
      bits(opts.momentum),
      bits(opts.weightDecay),
      bits(1 - opts.dampening),
      opts.dampening === 0 ? 1 : 0,
      opts.nesterov ? 1 : 0,
      opts.maximize ? 1 : 0,
    ],
  );
}

export function wasmAdam(
  w: Wasm,
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  vmax: Float32Array | null,
  opts: AdamStepOptions,
): void {
  const { beta1, beta2, step } = opts;
  update(
    w,
    OP_ADAM,
    [p, g, m, v, vmax],
    [true, false, true, true, true],
    [
      bits(-(opts.lr / (1 - beta1 ** step))),
      bits(beta1),
      bits(beta2),
      bits(1 - beta1),
      bits(1 - beta2),
      bits(opts.weightDecay),
      bits(opts.decay),
      bits(opts.eps),
      bits(Math.sqrt(1 - beta2 ** step)),
      opts.decay !== 1 ? 1 : 0,
      opts.maximize ? 1 : 0,
    ],
  );
}
