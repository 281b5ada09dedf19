/**
 * Float32 matrix products on the WebAssembly kernels: operands are copied into the module's
 * scratch memory as the spans of storage they cover (so transposed and batched views keep their
 * strides and the kernel packs them), split into task records, and run on every thread.
 */
import type { View } from '../../backend';
import { numelOf } from '../../shape';
import { dataOf } from '../storage';
import { floatBytes, Wasm } from './runtime';

const OP_GEMM = 1;
/**
 * Below this many flops a product stays on the calling thread: a wake-up (~30 µs) and the wait
 * for the slower half cost more than the half saves. At 4 MFLOP LeNet-5's 6 MFLOP Linear
 * products ran slower on two threads than on one (W3 9.6-9.9 ms a step against 8.5-8.7).
 */
const PARALLEL_FLOPS = 1 << 24;
/** Rows or columns a task takes at the least when a product is split. */
const MIN_SPLIT = 16;

/** Element range [lo, hi + 1) of its storage that a view reads. */
export function spanOf(x: View): [number, number] {
  let hi = x.offset;
  for (let d = 0; d < x.shape.length; d++) hi += (x.shape[d] - 1) * x.strides[d];
  return [x.offset, hi + 1];
}

/** Whether a view is dense enough to copy as its span (else the JavaScript kernel takes it). */
export function compactEnough(x: View): boolean {
  if (x.strides.some((s) => s < 0)) return false;
  const [lo, hi] = spanOf(x);
  return hi - lo <= 2 * numelOf(x.shape) + 1024;
}

interface Part {
  m0: number;
  m1: number;
  n0: number;
  n1: number;
  k0: number;
  k1: number;
  /** Index of the partial product it writes (split over K), or -1 for the output itself. */
  partial: number;
}

function cuts(size: number, parts: number, quantum: number): number[] {
  const units = Math.ceil(size / quantum);
  return Array.from({ length: parts + 1 }, (_, t) =>
    Math.min(size, Math.floor((units * t) / parts) * quantum),
  );
}

/** How one M x N x K product is split into `parts` tasks. */
function split(M: number, N: number, K: number, parts: number): Part[] {
  const whole = { m0: 0, m1: M, n0: 0, n1: N, k0: 0, k1: K, partial: -1 };
  if (parts < 2) return [whole];
  const along = (size: number, quantum: number, f: (lo: number, hi: number) => Part) => {
    const c = cuts(size, parts, quantum);
    return c
      .slice(1)
      .map((hi, i) => f(c[i], hi))
      .filter((p) => p.m1 > p.m0 && p.n1 > p.n0 && p.k1 > p.k0);
  };
  if (M >= N && M >= parts * MIN_SPLIT) return along(M, 4, (m0, m1) => ({ ...whole, m0, m1 }));
  if (N >= parts * MIN_SPLIT) return along(N, 8, (n0, n1) => ({ ...whole, n0, n1 }));
  if (M >= parts * MIN_SPLIT) return along(M, 4, (m0, m1) => ({ ...whole, m0, m1 }));
  return along(K, 64, (k0, k1) => ({ ...whole, k0, k1 })).map((p, i) => ({ ...p, partial: i }));
}

/**
 * out[t] = a[t] @ b[t] for every matrix t of the batch; aStarts/bStarts are each matrix's
 * storage offset. Both views must satisfy compactEnough.
 */
export function wasmGemm(
  w: Wasm,
  a: View,
  b: View,
  aStarts: Float64Array,
  bStarts: Float64Array,
  M: number,
  N: number,
  K: number,
  out: Float32Array,
): void {
  const nd = a.shape.length;
  const batch = aStarts.length;
  const threads = w.threads;
  const parallel = threads > 1 && 2 * M * N * K * batch >= PARALLEL_FLOPS;
  const perMatrix = parallel && batch < threads ? Math.ceil(threads / batch) : 1;
  const parts = split(M, N, K, perMatrix);
  const partials = parts[0].partial >= 0 ? parts.length : 0;
  /** C buffers per matrix: one, or one per split-K partial. */
  const slots = Math.max(1, partials);

  const [aLo, aHi] = spanOf(a);
  const [bLo, bHi] = spanOf(b);
  const aBytes = floatBytes(aHi - aLo);
  const bBytes = floatBytes(bHi - bLo);
  const ldc = leadingDim(N);
  const cBytes = floatBytes(M * ldc);
  const perChunk = Math.max(1, Math.floor(Wasm.maxTasks / parts.length));
  const chunk = Math.min(batch, perChunk);
  const base = w.scratch(aBytes + bBytes + chunk * cBytes * slots);
  w.f32.set((dataOf(a.storage) as Float32Array).subarray(aLo, aHi), base / 4);
  w.f32.set((dataOf(b.storage) as Float32Array).subarray(bLo, bHi), (base + aBytes) / 4);
  const cBase = base + aBytes + bBytes;

  for (let t0 = 0; t0 < batch; t0 += chunk) {
    const t1 = Math.min(batch, t0 + chunk);
    let n = 0;
    const i32 = w.i32;
    for (let t = t0; t < t1; t++) {
      const c = cBase + (t - t0) * cBytes * slots;
      for (const p of parts) {
        const r = w.task(n++) / 4;
        i32[r] = OP_GEMM;
        i32[r + 1] = base + (aStarts[t] - aLo) * 4;
        i32[r + 2] = a.strides[nd - 2];
        i32[r + 3] = a.strides[nd - 1];
        i32[r + 4] = base + aBytes + (bStarts[t] - bLo) * 4;
        i32[r + 5] = b.strides[nd - 2];
        i32[r + 6] = b.strides[nd - 1];
        i32[r + 7] = c + Math.max(0, p.partial) * cBytes;
        i32[r + 8] = ldc;
        i32.set([p.m0, p.m1, p.n0, p.n1, p.k0, p.k1], r + 9);
      }
    }
    w.run(n, parallel);
    for (let t = t0; t < t1; t++) {
      const c = (cBase + (t - t0) * cBytes * slots) / 4;
      const dst = out.subarray(t * M * N, (t + 1) * M * N);
      for (let q = 0; q < slots; q++) {
        readRows(w.f32, c + (q * cBytes) / 4, ldc, dst, M, N, q > 0);
      }
    }
  }
}

/**
 * C's row stride in scratch: N, or N + 16 where rows N floats apart would fall on the same
 * cache sets (a multiple of 4 KiB, as conv shapes often are: 64 x 28 x 28 = 49 x 1024), which
 * made a 6 x 50176 x 25 product five times slower.
 */
function leadingDim(N: number): number {
  return N >= 256 && (N % 1024 < 16 || N % 1024 > 1008) ? N + 16 : N;
}

/** Copies (or adds, for split-K partials) M rows of ldc-strided C into dense dst. */
function readRows(
  f32: Float32Array,
  c: number,
  ldc: number,
  dst: Float32Array,
  M: number,
  N: number,
  add: boolean,
): void {
  if (!add && ldc === N) {
    dst.set(f32.subarray(c, c + M * N));
    return;
  }
  for (let i = 0; i < M; i++) {
    const row = f32.subarray(c + i * ldc, c + i * ldc + N);
    if (!add) {
      dst.set(row, i * N);
      continue;
    }
    for (let j = 0, o = i * N; j < N; j++, o++) dst[o] += row[j];
  }
}
