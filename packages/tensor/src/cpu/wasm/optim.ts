/** The SGD step on the WebAssembly kernels (wasm/optim.c): operands in, one SIMD pass, out. */
import type { SgdStepOptions } from '../../backend';
import { share, type Wasm } from './runtime';

const OP_SGD = 7;
/** Parameters this long are split across the threads. */
const PARALLEL = 1 << 20;

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** A float32's bits as an int32 (float fields of a task record). */
function bits(x: number): number {
  f32[0] = x;
  return i32[0];
}

export function wasmSgd(
  w: Wasm,
  p: Float32Array,
  g: Float32Array,
  b: Float32Array | null,
  opts: SgdStepOptions,
): void {
  const n = p.length;
  // Padded to whole vectors (zeros, which the step keeps at zero).
  const padded = Math.ceil(n / 16) * 16;
  const base = w.scratch(padded * 4 * 3);
  const [pAt, gAt, bAt] = [0, 1, 2].map((i) => base + i * padded * 4);
  const mem = w.f32;
  for (const [a, at] of [
    [p, pAt],
    [g, gAt],
    [b, bAt],
  ] as const) {
    if (!a) continue;
    mem.set(a, at / 4);
    mem.fill(0, at / 4 + n, at / 4 + padded);
  }
  const tasks = n >= PARALLEL ? w.threads : 1;
  const words = [
    bits(-opts.lr),
    bits(opts.momentum),
    bits(opts.weightDecay),
    bits(1 - opts.dampening),
    opts.dampening === 0 ? 1 : 0,
    opts.nesterov ? 1 : 0,
    opts.maximize ? 1 : 0,
  ];
  for (let t = 0; t < tasks; t++) {
    w.setTask(t, [OP_SGD, pAt, gAt, b ? bAt : 0, ...words, ...share(padded, tasks, t, 4)]);
  }
  w.run(tasks, tasks > 1);
  p.set(w.f32.subarray(pAt / 4, pAt / 4 + n));
  if (b) b.set(w.f32.subarray(bAt / 4, bAt / 4 + n));
}
