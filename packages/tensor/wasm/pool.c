// Max pooling's window argmax by PyTorch's rule (max_pool2d_with_indices): the first of
// equal values, a NaN always taken, padded positions never. The comparisons are SIMD
// bitselects, not branches: clang turns a scalar `take ? v : best` into a branch, which
// random data mispredicts half the time (2 ms against 0.1 for 75K windows).
#include "kernels.h"

// Folds value v at index i into (best, at) lane by lane.
#define TAKE(v, i)                                                   \
  do {                                                               \
    v128_t m = wasm_v128_or(wasm_f32x4_gt(v, best), wasm_f32x4_ne(v, v)); \
    best = wasm_v128_bitselect(v, best, m);                          \
    at = wasm_v128_bitselect(i, at, m);                              \
  } while (0)

// Windows ox .. ox + 3 of output row oy, all inside the image rows [k0, k1) of the kernel.
static void four(const ConvGeom *g, const float *x, int y0, int k0, int k1, int ox, double *idx,
                 float *values) {
  int x0 = ox * g->sw - g->pw, s = g->sw;
  int first = (y0 + k0 * g->dh) * g->w + x0;
  v128_t lane = wasm_i32x4_make(0, s, 2 * s, 3 * s);
  v128_t at = wasm_i32x4_add(wasm_i32x4_splat(first), lane);
  v128_t best = wasm_f32x4_make(x[first], x[first + s], x[first + 2 * s], x[first + 3 * s]);
  for (int ki = k0; ki < k1; ki++) {
    int row = (y0 + ki * g->dh) * g->w + x0;
    for (int kj = 0; kj < g->kw; kj++) {
      int i = row + kj * g->dw;
      v128_t v = wasm_f32x4_make(x[i], x[i + s], x[i + 2 * s], x[i + 3 * s]);
      v128_t iv = wasm_i32x4_add(wasm_i32x4_splat(i), lane);
      TAKE(v, iv);
    }
  }
  if (values) wasm_v128_store(values, best);
  wasm_v128_store(idx, wasm_f64x2_convert_low_i32x4(at));
  wasm_v128_store(idx + 2, wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(at, at, 2, 3, 0, 1)));
}

// One window, on lane 0; its max goes to *value where value is not 0 (-inf for a window
// with no position inside the image, whose index is -1).
static double one(const ConvGeom *g, const float *x, int y0, int k0, int k1, int x0,
                  float *value) {
  int j0 = first_in(x0, g->dw, g->kw), j1 = end_in(x0, g->dw, g->kw, g->w);
  if (k0 >= k1 || j0 >= j1) {
    if (value) *value = -__builtin_inff();
    return -1;
  }
  int first = (y0 + k0 * g->dh) * g->w + x0 + j0 * g->dw;
  v128_t best = wasm_f32x4_splat(x[first]), at = wasm_i32x4_splat(first);
  for (int ki = k0; ki < k1; ki++) {
    int row = (y0 + ki * g->dh) * g->w + x0;
    for (int kj = j0; kj < j1; kj++) {
      int i = row + kj * g->dw;
      TAKE(wasm_f32x4_splat(x[i]), wasm_i32x4_splat(i));
    }
  }
  if (value) *value = wasm_f32x4_extract_lane(best, 0);
  return wasm_i32x4_extract_lane(at, 0);
}

void max_pool_task(const PoolTask *t) {
  const ConvGeom *g = t->g;
  int plane = g->h * g->w;
  // Output columns whose whole window lies inside the image's columns.
  int inLo = (g->pw + g->sw - 1) / g->sw;
  int room = g->w - 1 - (g->kw - 1) * g->dw + g->pw;
  int inHi = room < 0 ? 0 : room / g->sw + 1;
  inHi = inHi < g->ow ? inHi : g->ow;
  int first = t->p0 * g->oh * g->ow;
  double *idx = t->idx + first;
  float *val = t->values ? t->values + first : 0;
  for (int p = t->p0; p < t->p1; p++) {
    const float *x = t->x + p * plane;
    for (int oy = 0; oy < g->oh; oy++, idx += g->ow, val = val ? val + g->ow : 0) {
      int y0 = oy * g->sh - g->ph;
      int k0 = first_in(y0, g->dh, g->kh), k1 = end_in(y0, g->dh, g->kh, g->h);
      int ox = 0;
      for (; ox < g->ow && ox < inLo; ox++)
        idx[ox] = one(g, x, y0, k0, k1, ox * g->sw - g->pw, val ? val + ox : 0);
      if (k0 < k1)
        for (; ox + 4 <= inHi; ox += 4) four(g, x, y0, k0, k1, ox, idx + ox, val ? val + ox : 0);
      for (; ox < g->ow; ox++)
        idx[ox] = one(g, x, y0, k0, k1, ox * g->sw - g->pw, val ? val + ox : 0);
    }
  }
}
