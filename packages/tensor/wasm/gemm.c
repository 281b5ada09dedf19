// Single-precision GEMM for WebAssembly SIMD128: Goto-style blocking with packed panels of A
// (MR rows) and B (NR columns) and an MR x NR register micro-kernel. MR = 4: V8 has sixteen
// vector registers, and a 6 x 8 tile (twelve accumulators plus operands) spills.
// Operands are strided (any transpose); the caller has copied them into this module's memory.
#include "kernels.h"

#define MR 4
#define NR 8
#define KC 256
#define MC 64
#define NC 2048

// Workspace of one thread: packed A block, packed B block, one tile for edges.
#define WS_FLOATS (MC * KC + KC * NC + MR * NR)

int gemm_ws_bytes(void) { return WS_FLOATS * 4; }

// Ap holds mc rows as ceil(mc / MR) panels, each k-major with MR values per k (zero-padded).
static void pack_a(int mc, int kc, const float *A, int rs, int cs, float *Ap) {
  for (int i0 = 0; i0 < mc; i0 += MR, Ap += MR * kc) {
    int mr = mc - i0 < MR ? mc - i0 : MR;
    const float *a = A + i0 * rs;
    if (rs == 1 && mr == MR) {
      for (int k = 0; k < kc; k++) wasm_v128_store(Ap + k * MR, wasm_v128_load(a + k * cs));
      continue;
    }
    for (int i = 0; i < MR; i++) {
      if (i >= mr) {
        for (int k = 0; k < kc; k++) Ap[k * MR + i] = 0.0f;
        continue;
      }
      const float *row = a + i * rs;
      for (int k = 0; k < kc; k++) Ap[k * MR + i] = row[k * cs];
    }
  }
}

// Bp holds nc columns as ceil(nc / NR) panels, each k-major with NR values per k (zero-padded).
static void pack_b(int kc, int nc, const float *B, int rs, int cs, float *Bp) {
  int full = cs == 1 ? nc / NR * NR : 0;
  // Row-major B: one row at a time into every panel, so B is read as kc sequential streams one
  // after another (a panel at a time would read kc rows at once, too many for the prefetcher
  // when kc is small and the rows are long: conv weights' gradients, 36864x25x6).
  for (int k = 0; k < kc; k++) {
    const float *src = B + k * rs;
    float *dst = Bp + k * NR;
    for (int j0 = 0; j0 < full; j0 += NR, dst += NR * kc) {
      wasm_v128_store(dst, wasm_v128_load(src + j0));
      wasm_v128_store(dst + 4, wasm_v128_load(src + j0 + 4));
    }
  }
  Bp += full * kc;
  // Otherwise column by column: a transposed B (cs > rs) is then read in its own memory order.
  for (int j0 = full; j0 < nc; j0 += NR, Bp += NR * kc) {
    int nr = nc - j0 < NR ? nc - j0 : NR;
    const float *b = B + j0 * cs;
    for (int j = 0; j < NR; j++) {
      if (j >= nr) {
        for (int k = 0; k < kc; k++) Bp[k * NR + j] = 0.0f;
        continue;
      }
      const float *col = b + j * cs;
      for (int k = 0; k < kc; k++) Bp[k * NR + j] = col[k * rs];
    }
  }
}

static inline void store_row(float *r, v128_t lo, v128_t hi, int acc) {
  if (acc) {
    lo = wasm_f32x4_add(wasm_v128_load(r), lo);
    hi = wasm_f32x4_add(wasm_v128_load(r + 4), hi);
  }
  wasm_v128_store(r, lo);
  wasm_v128_store(r + 4, hi);
}

// C[MR x NR] (=, or += when acc) Ap * Bp over depth kc. Edge tiles go through `tile`.
static void micro(int kc, const float *restrict Ap, const float *restrict Bp, float *C, int ldc,
                  int acc, int mr, int nr, float *tile) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int k = 0; k < kc; k++, Ap += MR, Bp += NR) {
    v128_t b0 = wasm_v128_load(Bp), b1 = wasm_v128_load(Bp + 4);
    v128_t a = wasm_v128_load32_splat(Ap);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(Ap + 1);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(Ap + 2);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(Ap + 3);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a, b1));
  }
  if (nr == NR) {
    // Whole rows (mr of them) go straight to C; the unrolled ifs keep the accumulators in
    // registers (an indexed array would live on the shadow stack, which threads share).
    store_row(C, c00, c01, acc);
    if (mr > 1) store_row(C + ldc, c10, c11, acc);
    if (mr > 2) store_row(C + 2 * ldc, c20, c21, acc);
    if (mr > 3) store_row(C + 3 * ldc, c30, c31, acc);
    return;
  }
  wasm_v128_store(tile, c00);
  wasm_v128_store(tile + 4, c01);
  wasm_v128_store(tile + NR, c10);
  wasm_v128_store(tile + NR + 4, c11);
  wasm_v128_store(tile + 2 * NR, c20);
  wasm_v128_store(tile + 2 * NR + 4, c21);
  wasm_v128_store(tile + 3 * NR, c30);
  wasm_v128_store(tile + 3 * NR + 4, c31);
  for (int i = 0; i < mr; i++) {
    float *r = C + i * ldc;
    const float *t = tile + i * NR;
    if (acc)
      for (int j = 0; j < nr; j++) r[j] += t[j];
    else
      for (int j = 0; j < nr; j++) r[j] = t[j];
  }
}

// C[m0:m1, n0:n1] (=, or += when acc) A[m0:m1, k0:k1] * B[k0:k1, n0:n1]; C is row-major with
// row stride ldc.
void gemm(const float *A, int rsa, int csa, const float *B, int rsb, int csb, float *C, int ldc,
          int m0, int m1, int n0, int n1, int k0, int k1, int acc, float *ws) {
  float *Ap = ws, *Bp = ws + MC * KC, *tile = ws + MC * KC + KC * NC;
  if (k1 <= k0) {
    if (!acc)
      for (int i = m0; i < m1; i++)
        for (int j = n0; j < n1; j++) C[i * ldc + j] = 0.0f;
    return;
  }
  for (int jc = n0; jc < n1; jc += NC) {
    int nc = n1 - jc < NC ? n1 - jc : NC;
    for (int pc = k0; pc < k1; pc += KC) {
      int kc = k1 - pc < KC ? k1 - pc : KC;
      pack_b(kc, nc, B + pc * rsb + jc * csb, rsb, csb, Bp);
      for (int ic = m0; ic < m1; ic += MC) {
        int mc = m1 - ic < MC ? m1 - ic : MC;
        pack_a(mc, kc, A + ic * rsa + pc * csa, rsa, csa, Ap);
        for (int jr = 0; jr < nc; jr += NR) {
          int nr = nc - jr < NR ? nc - jr : NR;
          for (int ir = 0; ir < mc; ir += MR) {
            int mr = mc - ir < MR ? mc - ir : MR;
            micro(kc, Ap + ir * kc, Bp + jr * kc, C + (ic + ir) * ldc + jc + jr, ldc,
                  acc || pc > k0, mr, nr, tile);
          }
        }
      }
    }
  }
}

void gemm_block(const GemmTask *t, float *ws) {
  gemm(t->a, t->rsa, t->csa, t->b, t->rsb, t->csb, t->c, t->ldc, t->m0, t->m1, t->n0, t->n1,
       t->k0, t->k1, 0, ws);
}
