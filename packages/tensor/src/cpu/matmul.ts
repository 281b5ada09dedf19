import type { View } from '../backend';
import type { DType, TypedArray } from '../dtype';
import { allocArray } from '../dtype';
import { numelOf } from '../shape';
import { lineStarts } from './reduce';
import { dataOf } from './storage';

const KC = 256; // depth of a block: a KC x N panel of B stays in L2 while rows of A stream by

/** Copies an [R, C] strided matrix into a dense row-major Float64Array. */
function pack(
  src: TypedArray,
  off: number,
  rs: number,
  cs: number,
  rows: number,
  cols: number,
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let p = off + i * rs;
    const o = i * cols;
    for (let j = 0; j < cols; j++, p += cs) out[o + j] = src[p];
  }
  return out;
}

/**
 * C[M,N] += A[M,K] * B[K,N] on dense row-major arrays: blocked over K, four rows of A at a
 * time so each loaded row of B feeds four accumulator rows.
 */
function gemm(
  A: Float64Array,
  B: Float64Array,
  C: Float64Array,
  M: number,
  N: number,
  K: number,
): void {
  for (let k0 = 0; k0 < K; k0 += KC) {
    const k1 = Math.min(K, k0 + KC);
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      const c0 = i * N;
      const c1 = c0 + N;
      const c2 = c1 + N;
      const c3 = c2 + N;
      for (let k = k0; k < k1; k++) {
        const a0 = A[i * K + k];
        const a1 = A[(i + 1) * K + k];
        const a2 = A[(i + 2) * K + k];
        const a3 = A[(i + 3) * K + k];
        const b = k * N;
        for (let j = 0; j < N; j++) {
          const bv = B[b + j];
          C[c0 + j] += a0 * bv;
          C[c1 + j] += a1 * bv;
          C[c2 + j] += a2 * bv;
          C[c3 + j] += a3 * bv;
        }
      }
    }
    for (; i < M; i++) {
      const c = i * N;
      for (let k = k0; k < k1; k++) {
        const a = A[i * K + k];
        const b = k * N;
        for (let j = 0; j < N; j++) C[c + j] += a * B[b + j];
      }
    }
  }
}

export function matmul(a: View, b: View, dtype: DType): TypedArray {
  const nd = a.shape.length;
  const [M, K] = [a.shape[nd - 2], a.shape[nd - 1]];
  const N = b.shape[nd - 1];
  const batch = numelOf(a.shape.slice(0, -2));
  const out = allocArray(dtype, batch * M * N);
  if (M * N === 0) return out;
  // lineStarts over the batch dims: treat the two matrix dims as one "line" by viewing them away.
  const aStarts = batchStarts(a);
  const bStarts = batchStarts(b);
  const C = new Float64Array(M * N);
  const ad = dataOf(a.storage);
  const bd = dataOf(b.storage);
  const trunc = dtype === 'int64';
  for (let t = 0; t < batch; t++) {
    const A = pack(ad, aStarts[t], a.strides[nd - 2], a.strides[nd - 1], M, K);
    const B = pack(bd, bStarts[t], b.strides[nd - 2], b.strides[nd - 1], K, N);
    C.fill(0);
    gemm(A, B, C, M, N, K);
    const o = t * M * N;
    for (let i = 0; i < M * N; i++) out[o + i] = trunc ? Math.trunc(C[i]) : C[i];
  }
  return out;
}

function batchStarts(x: View): Float64Array {
  const nd = x.shape.length;
  if (nd === 2) return Float64Array.of(x.offset);
  // Collapse the matrix dims into a size-1 dim so lineStarts enumerates batch positions only.
  const shape = [...x.shape.slice(0, -2), 1];
  const strides = [...x.strides.slice(0, -2), 0];
  return lineStarts({ ...x, shape, strides }, nd - 2);
}
