// C (=, or += when acc) A * B^T for row-major A [m, depth] and B [n, depth]: each element a dot
// product of two rows, read in place. For the weight gradient of a convolution (depth = the
// output plane, m and n small) this beats the packed GEMM, whose packing costs more than its
// arithmetic at these shapes.
#include "kernels.h"

static inline float hsum(v128_t v) {
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

static inline void put(float *c, float v, int acc) { *c = acc ? *c + v : v; }

#define MAC(s, a, b) s = wasm_f32x4_add(s, wasm_f32x4_mul(a, b))

// Rows i..i+3 of A against rows j, j+1 of B: eight dot products at once.
static void block(const float *a0, int lda, const float *b0, int ldb, float *c, int ldc,
                  int depth, int acc) {
  const float *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda, *b1 = b0 + ldb;
  v128_t s00 = wasm_f32x4_splat(0), s01 = s00, s10 = s00, s11 = s00;
  v128_t s20 = s00, s21 = s00, s30 = s00, s31 = s00;
  int p = 0;
  for (; p + 4 <= depth; p += 4) {
    v128_t x0 = wasm_v128_load(b0 + p), x1 = wasm_v128_load(b1 + p);
    v128_t a = wasm_v128_load(a0 + p);
    MAC(s00, a, x0);
    MAC(s01, a, x1);
    a = wasm_v128_load(a1 + p);
    MAC(s10, a, x0);
    MAC(s11, a, x1);
    a = wasm_v128_load(a2 + p);
    MAC(s20, a, x0);
    MAC(s21, a, x1);
    a = wasm_v128_load(a3 + p);
    MAC(s30, a, x0);
    MAC(s31, a, x1);
  }
  float t00 = hsum(s00), t01 = hsum(s01), t10 = hsum(s10), t11 = hsum(s11);
  float t20 = hsum(s20), t21 = hsum(s21), t30 = hsum(s30), t31 = hsum(s31);
  for (; p < depth; p++) {
    float x0 = b0[p], x1 = b1[p];
    t00 += a0[p] * x0;
    t01 += a0[p] * x1;
    t10 += a1[p] * x0;
    t11 += a1[p] * x1;
    t20 += a2[p] * x0;
    t21 += a2[p] * x1;
    t30 += a3[p] * x0;
    t31 += a3[p] * x1;
  }
  put(c, t00, acc);
  put(c + 1, t01, acc);
  put(c + ldc, t10, acc);
  put(c + ldc + 1, t11, acc);
  put(c + 2 * ldc, t20, acc);
  put(c + 2 * ldc + 1, t21, acc);
  put(c + 3 * ldc, t30, acc);
  put(c + 3 * ldc + 1, t31, acc);
}

static float dot(const float *a, const float *b, int depth) {
  v128_t s = wasm_f32x4_splat(0);
  int p = 0;
  for (; p + 4 <= depth; p += 4) MAC(s, wasm_v128_load(a + p), wasm_v128_load(b + p));
  float t = hsum(s);
  for (; p < depth; p++) t += a[p] * b[p];
  return t;
}

void gemm_nt(const float *A, int lda, const float *B, int ldb, float *C, int ldc, int m, int n,
             int depth, int acc) {
  int m4 = m / 4 * 4, n2 = n / 2 * 2;
  for (int i = 0; i < m4; i += 4)
    for (int j = 0; j < n2; j += 2)
      block(A + i * lda, lda, B + j * ldb, ldb, C + i * ldc + j, ldc, depth, acc);
  // The edges: the last rows of A against every row of B, the last row of B against the rest.
  for (int i = m4; i < m; i++)
    for (int j = 0; j < n; j++) put(C + i * ldc + j, dot(A + i * lda, B + j * ldb, depth), acc);
  for (int i = 0; i < m4; i++)
    for (int j = n2; j < n; j++) put(C + i * ldc + j, dot(A + i * lda, B + j * ldb, depth), acc);
}
