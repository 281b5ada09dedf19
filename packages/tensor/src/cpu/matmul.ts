import type { View } from '../backend';
import type { DType, TypedArray } from '../dtype';
import { numelOf } from '../shape';
import { type NativeKernels, native } from './native';
import { lineStarts } from './reduce';
import { allocArray, allocUninit, dataOf } from './storage';
import { compactEnough, wasmGemm } from './wasm/gemm';
import { wasm } from './wasm/runtime';

/** Panels of B (4 columns by the full depth) kept hot together: about 1 MiB at depth 2048. */
const BAND = 16;

/**
 * Reused packing buffers (one for A, one for B): a fresh multi-megabyte array per product
 * costs more in allocation and page faults than the packing itself. Larger ones are not kept.
 */
const scratch: Float64Array[] = [new Float64Array(0), new Float64Array(0)];
const KEEP = 1 << 22;

function buffer(slot: number, size: number): Float64Array {
  if (scratch[slot].length >= size) return scratch[slot];
  const fresh = new Float64Array(size);
  if (size <= KEEP) scratch[slot] = fresh;
  return fresh;
}

/**
 * Packs an [rows, cols] strided matrix into panels of 4 rows, each laid out k-major
 * (panel p, column k holds rows 4p..4p+3 contiguously); missing rows are zero.
 */
function packRows(
  slot: number,
  src: TypedArray,
  off: number,
  rs: number,
  cs: number,
  rows: number,
  cols: number,
): Float64Array {
  const panels = Math.ceil(rows / 4);
  const out = buffer(slot, panels * cols * 4);
  for (let i = rows; i < panels * 4; i++) {
    const base = (i >> 2) * cols * 4 + (i & 3);
    for (let k = 0; k < cols; k++) out[base + k * 4] = 0;
  }
  // Walk the source in its own memory order: a column-major operand (B, or a transposed view)
  // would otherwise be read with a cache miss per element.
  if (rs <= cs) {
    for (let k = 0; k < cols; k++) {
      let p = off + k * cs;
      for (let i = 0; i < rows; i++, p += rs) out[(i >> 2) * cols * 4 + (i & 3) + k * 4] = src[p];
    }
    return out;
  }
  for (let i = 0; i < rows; i++) {
    const base = (i >> 2) * cols * 4 + (i & 3);
    let p = off + i * rs;
    for (let k = 0; k < cols; k++, p += cs) out[base + k * 4] = src[p];
  }
  return out;
}

/**
 * C[M,N] = A[M,K] * B[K,N] from packed panels: each 4x4 block of C is accumulated in sixteen
 * locals over the whole depth, so every loaded element of A and B feeds four multiply-adds.
 */
function gemm(
  Ap: Float64Array,
  Bp: Float64Array,
  C: TypedArray,
  co: number,
  M: number,
  N: number,
  K: number,
  trunc: boolean,
): void {
  const panels = Math.ceil(N / 4);
  // A band of B's panels stays in cache while every row panel of A streams past it.
  for (let j0 = 0; j0 < panels; j0 += BAND) {
    const j1 = Math.min(panels, j0 + BAND);
    for (let ip = 0; ip * 4 < M; ip++) {
      for (let jp = j0; jp < j1; jp++) {
        let c00 = 0,
          c01 = 0,
          c02 = 0,
          c03 = 0,
          c10 = 0,
          c11 = 0,
          c12 = 0,
          c13 = 0;
        let c20 = 0,
          c21 = 0,
          c22 = 0,
          c23 = 0,
          c30 = 0,
          c31 = 0,
          c32 = 0,
          c33 = 0;
        for (let k = 0, a = ip * K * 4, b = jp * K * 4; k < K; k++, a += 4, b += 4) {
          const a0 = Ap[a],
            a1 = Ap[a + 1],
            a2 = Ap[a + 2],
            a3 = Ap[a + 3];
          const b0 = Bp[b],
            b1 = Bp[b + 1],
            b2 = Bp[b + 2],
            b3 = Bp[b + 3];
          c00 += a0 * b0;
          c01 += a0 * b1;
          c02 += a0 * b2;
          c03 += a0 * b3;
          c10 += a1 * b0;
          c11 += a1 * b1;
          c12 += a1 * b2;
          c13 += a1 * b3;
          c20 += a2 * b0;
          c21 += a2 * b1;
          c22 += a2 * b2;
          c23 += a2 * b3;
          c30 += a3 * b0;
          c31 += a3 * b1;
          c32 += a3 * b2;
          c33 += a3 * b3;
        }
        const rows = Math.min(4, M - ip * 4);
        const cols = Math.min(4, N - jp * 4);
        const o = co + ip * 4 * N + jp * 4;
        if (rows === 4 && cols === 4 && !trunc) {
          // Full tiles (nearly all of them) are stored without building an array per tile.
          C[o] = c00;
          C[o + 1] = c01;
          C[o + 2] = c02;
          C[o + 3] = c03;
          C[o + N] = c10;
          C[o + N + 1] = c11;
          C[o + N + 2] = c12;
          C[o + N + 3] = c13;
          C[o + 2 * N] = c20;
          C[o + 2 * N + 1] = c21;
          C[o + 2 * N + 2] = c22;
          C[o + 2 * N + 3] = c23;
          C[o + 3 * N] = c30;
          C[o + 3 * N + 1] = c31;
          C[o + 3 * N + 2] = c32;
          C[o + 3 * N + 3] = c33;
          continue;
        }
        const block = [
          c00,
          c01,
          c02,
          c03,
          c10,
          c11,
          c12,
          c13,
          c20,
          c21,
          c22,
          c23,
          c30,
          c31,
          c32,
          c33,
        ];
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            const v = block[i * 4 + j];
            C[o + i * N + j] = trunc ? Math.trunc(v) : v;
          }
        }
      }
    }
  }
}

export function matmul(a: View, b: View, dtype: DType): TypedArray {
  const nd = a.shape.length;
  const [M, K] = [a.shape[nd - 2], a.shape[nd - 1]];
  const N = b.shape[nd - 1];
  const batch = numelOf(a.shape.slice(0, -2));
  const f32 = dtype === 'float32' && a.dtype === 'float32' && b.dtype === 'float32';
  if (M * N === 0 || K === 0 || !f32)
    return loopMatmul(a, b, dtype, allocArray(dtype, batch * M * N));
  // The kernels below write every element: no zeroing pass (a page fault per 4 KiB on a fresh one).
  const out = allocUninit(dtype, batch * M * N) as Float32Array;
  const aStarts = batchStarts(a);
  const bStarts = batchStarts(b);
  const nk = native();
  if (nk && nativeGemm(nk, a, b, aStarts, bStarts, M, N, K, out)) return out;
  const w = wasm();
  if (w && compactEnough(a) && compactEnough(b)) {
    wasmGemm(w, a, b, aStarts, bStarts, M, N, K, out);
    return out;
  }
  return loopMatmul(a, b, dtype, out.fill(0));
}

/** The product in JavaScript, summed into `out` (zeros). */
function loopMatmul(a: View, b: View, dtype: DType, out: TypedArray): TypedArray {
  const nd = a.shape.length;
  const [M, K] = [a.shape[nd - 2], a.shape[nd - 1]];
  const N = b.shape[nd - 1];
  const batch = numelOf(a.shape.slice(0, -2));
  if (M * N === 0) return out;
  const aStarts = batchStarts(a);
  const bStarts = batchStarts(b);
  const ad = dataOf(a.storage);
  const bd = dataOf(b.storage);
  for (let t = 0; t < batch; t++) {
    const Ap = packRows(0, ad, aStarts[t], a.strides[nd - 2], a.strides[nd - 1], M, K);
    // B's columns are packed as rows of B^T: swap its strides.
    const Bp = packRows(1, bd, bStarts[t], b.strides[nd - 1], b.strides[nd - 2], N, K);
    gemm(Ap, Bp, out, t * M * N, M, N, K, dtype === 'int64');
  }
  return out;
}

/**
 * How BLAS reads an op(rows x cols) matrix with strides (rs, cs): [transposed, leading
 * dimension], or null where the layout is neither (a broadcast row, a strided slice).
 */
function blasForm(rows: number, cols: number, rs: number, cs: number): [0 | 1, number] | null {
  if (cs === 1 || cols === 1) {
    const ld = rows === 1 ? cols : rs;
    if (ld >= cols) return [0, ld];
  }
  if (rs === 1 || rows === 1) {
    const ld = cols === 1 ? rows : cs;
    if (ld >= rows) return [1, ld];
  }
  return null;
}

/** The batch of products on the native tier, in place into out; false where a layout does not fit. */
function nativeGemm(
  nk: NativeKernels,
  a: View,
  b: View,
  aStarts: Float64Array,
  bStarts: Float64Array,
  M: number,
  N: number,
  K: number,
  out: Float32Array,
): boolean {
  const nd = a.shape.length;
  const fa = blasForm(M, K, a.strides[nd - 2], a.strides[nd - 1]);
  const fb = blasForm(K, N, b.strides[nd - 2], b.strides[nd - 1]);
  if (!fa || !fb) return false;
  const ad = dataOf(a.storage) as Float32Array;
  const bd = dataOf(b.storage) as Float32Array;
  if (aStarts.length === 0) return true;
  if (aStarts.length > 1)
    nk.sgemmBatch(fa[0], fb[0], M, N, K, ad, aStarts, fa[1], bd, bStarts, fb[1], out);
  else
    nk.sgemm(fa[0], fb[0], M, N, K, 1, ad, aStarts[0], fa[1], bd, bStarts[0], fb[1], 0, out, 0, N);
  return true;
}

/** Storage offsets of each matrix in the batch, in row-major order of the batch dims. */
function batchStarts(x: View): Float64Array {
  const nd = x.shape.length;
  if (nd === 2) return Float64Array.of(x.offset);
  const shape = [...x.shape.slice(0, -2), 1];
  const strides = [...x.strides.slice(0, -2), 0];
  return lineStarts({ ...x, shape, strides }, nd - 2);
}
