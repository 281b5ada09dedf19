/** Max and average pooling on the WebAssembly kernels. */
import type { AvgPoolDivisor, WindowGeometry } from '../../backend';
import { writeGeometry } from './conv';
import { floatBytes, share, type Wasm } from './runtime';

const OP_MAX_POOL = 5;
/** Windows below which pooling stays on the calling thread. */
const PARALLEL_WINDOWS = 1 << 18;

/**
 * x: the dense [N, C, H, W] images of g; idx: [N, C, oh, ow], written as whole numbers;
 * values (where given): the maxima.
 */
export function wasmMaxPool(
  w: Wasm,
  g: WindowGeometry,
  x: Float32Array,
  idx: Float64Array,
  values: Float32Array | null,
): void {
  const planes = g.n * g.c;
  const tasks = Math.min(planes, idx.length >= PARALLEL_WINDOWS ? w.threads : 1);
  const xBytes = floatBytes(x.length);
  const idxBytes = idx.length * 8;
  const base = w.scratch(xBytes + idxBytes + (values ? idx.length * 4 : 0));
  w.f32.set(x, base / 4);
  const geom = writeGeometry(w, tasks, g, 0);
  const valuesAt = values ? base + xBytes + idxBytes : 0;
  for (let t = 0; t < tasks; t++) {
    w.setTask(t, [OP_MAX_POOL, geom, base, base + xBytes, valuesAt, ...share(planes, tasks, t)]);
  }
  w.run(tasks, tasks > 1);
  const at = (base + xBytes) / 8;
  idx.set(new Float64Array(w.memory.buffer, 0).subarray(at, at + idx.length));
  const v = (base + xBytes + idxBytes) / 4;
  if (values) values.set(w.f32.subarray(v, v + values.length));
}

const OP_AVG_POOL = 11;
const OP_AVG_POOL_BACKWARD = 12;

/**
 * Average pooling of the dense [N, C, H, W] images of g into out [N, C, oh, ow], or where
 * `backward`, its gradient: x the output gradient, out the input gradient.
 */
export function wasmAvgPool(
  w: Wasm,
  g: WindowGeometry,
  x: Float32Array,
  out: Float32Array,
  backward: boolean,
  d: AvgPoolDivisor,
): void {
  const planes = g.n * g.c;
  const windows = planes * g.out[0] * g.out[1];
  const tasks = Math.min(planes, windows >= PARALLEL_WINDOWS ? w.threads : 1);
  const xBytes = floatBytes(x.length);
  const base = w.scratch(xBytes + floatBytes(out.length));
  w.f32.set(x, base / 4);
  const geom = writeGeometry(w, tasks, g, 0);
  const op = backward ? OP_AVG_POOL_BACKWARD : OP_AVG_POOL;
  // The divisor goes in as its float32 bits.
  const divisor = new Int32Array(new Float32Array([d.divisorOverride ?? 0]).buffer)[0];
  for (let t = 0; t < tasks; t++) {
    const planesOf = share(planes, tasks, t);
    w.setTask(t, [op, geom, base, base + xBytes, ...planesOf, +d.countIncludePad, divisor]);
  }
  w.run(tasks, tasks > 1);
  const at = (base + xBytes) / 4;
  out.set(w.f32.subarray(at, at + out.length));
}
