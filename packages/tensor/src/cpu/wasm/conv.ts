/**
 * Convolution (groups 1) on the WebAssembly kernels: the dense operands are copied into
 * scratch memory once, and each task takes a run of images with its own column buffer, so
 * the column matrix never leaves the module and the output is written in NCHW order.
 */
import type { WindowGeometry } from '../../backend';
import { floatBytes, share, type Wasm } from './runtime';

const OPS = { forward: 2, inputGrad: 3, weightGrad: 4 } as const;
export type ConvKind = keyof typeof OPS;

/**
 * Writes g (wasm/kernels.h: ConvGeom) into task record `slot`, past the tasks that read it;
 * returns its byte offset.
 */
export function writeGeometry(w: Wasm, slot: number, g: WindowGeometry, outCh: number): number {
  w.setTask(slot, [
    g.c,
    g.h,
    g.w,
    outCh,
    ...g.kernel,
    ...g.stride,
    ...g.padding,
    ...g.dilation,
    ...g.out,
  ]);
  return w.task(slot);
}

/** Below this many flops a convolution stays on the calling thread. */
const PARALLEL_FLOPS = 1 << 22;
const TASKS_PER_THREAD = 4;
/** Bytes of column buffers that tasks beyond one per thread may take. */
const COLS_BUDGET = 32 * 2 ** 20;

/**
 * Runs one convolution kernel over the batch of `g` with `outCh` output channels.
 * forward: a = images, b = weight, bias → out [N, O, oh, ow];
 * inputGrad: a = output grad, b = weight → out [N, C, H, W];
 * weightGrad: a = images, b = output grad → out [O, C, kh, kw].
 */
export function wasmConv(
  w: Wasm,
  kind: ConvKind,
  g: WindowGeometry,
  outCh: number,
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array | null,
  out: Float32Array,
): void {
  const plane = g.out[0] * g.out[1];
  const k = g.c * g.kernel[0] * g.kernel[1];
  const flops = 2 * g.n * outCh * k * plane;
  // Several runs of images per thread: threads claim them as they come free, so one that
  // woke late does not leave the others waiting at the end.
  const threads = flops >= PARALLEL_FLOPS ? w.threads : 1;
  const byMemory = Math.floor(COLS_BUDGET / (k * plane * 4));
  const wanted = Math.max(threads, Math.min(byMemory, threads * TASKS_PER_THREAD));
  const tasks = Math.max(1, Math.min(g.n, wanted));
  const weightGrad = kind === 'weightGrad';
  const yFloats = weightGrad ? outCh * k : out.length;
  // Regions in bytes: images or gradient, weight or gradient, bias, then the output (for the
  // weight gradient one partial per task, each rounded up on its own), then the columns.
  const regions = [floatBytes(a.length), floatBytes(b.length), floatBytes(bias?.length ?? 0)];
  regions.push(weightGrad ? tasks * floatBytes(yFloats) : floatBytes(yFloats));
  const colsBytes = floatBytes(k * plane);
  const offsets: number[] = [];
  let total = 0;
  for (const r of regions) {
    offsets.push(total);
    total += r;
  }
  const base = w.scratch(total + tasks * colsBytes);
  const [aAt, bAt, biasAt, yAt] = offsets.map((o) => base + o);
  const f32 = w.f32;
  f32.set(a, aAt / 4);
  f32.set(b, bAt / 4);
  if (bias) f32.set(bias, biasAt / 4);

  const geom = writeGeometry(w, tasks, g, outCh);
  for (let t = 0; t < tasks; t++) {
    const y = yAt + (weightGrad ? t * floatBytes(yFloats) : 0);
    const cols = base + total + t * colsBytes;
    w.setTask(t, [OPS[kind], geom, aAt, bAt, bias ? biasAt : 0, y, cols, ...share(g.n, tasks, t)]);
  }
  w.run(tasks, threads > 1);
  const y = w.f32;
  out.set(y.subarray(yAt / 4, yAt / 4 + yFloats));
  for (let t = 1; t < (weightGrad ? tasks : 1); t++) {
    const p = (yAt + t * floatBytes(yFloats)) / 4;
    for (let i = 0; i < yFloats; i++) out[i] += y[p + i];
  }
}
