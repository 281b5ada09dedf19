/** Max pooling (each window's max and its index) on the WebAssembly kernels. */
import type { WindowGeometry } from '../../backend';
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
