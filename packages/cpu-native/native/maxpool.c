// The WebAssembly kernel's algorithm (packages/tensor/wasm/pool.c) on the caller's arrays:
// four windows of an output row at a time, their comparisons vector selects, not branches
// (random data mispredicts a branch half the time: a scalar loop with branches ran LeNet's
// first pool in 0.9 ms, against WebAssembly's 0.39 with its copies in and out). The vectors
// are GCC's generic ones, four lanes: SSE2 or NEON, every machine this builds on.
#include "maxpool.h"

#include <string.h>

typedef float f4 __attribute__((vector_size(16)));
typedef int32_t i4 __attribute__((vector_size(16)));

#if defined(__clang__)
#define EVENS(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6)
#define ODDS(a, b) __builtin_shufflevector(a, b, 1, 3, 5, 7)
#else
#define EVENS(a, b) __builtin_shuffle(a, b, (i4){0, 2, 4, 6})
#define ODDS(a, b) __builtin_shuffle(a, b, (i4){1, 3, 5, 7})
#endif

// Folds values v at indices i into (best, at), lane by lane: v > best, or v a NaN.
#define TAKE(v, i)                          \
  do {                                      \
    i4 m = ((v) > best) | ((v) != (v));     \
    best = (f4)(((i4)(v) & m) | ((i4)best & ~m)); \
    at = ((i) & m) | (at & ~m);             \
  } while (0)

// Windows ox .. ox + 3 of one output row, wholly inside the image's columns, over the image
// rows [k0, k1) of the kernel. (Indices stay below 2^31: conv_check bounds h and w.)
static void four(const ConvGeom *g, const float *x, int64_t y0, int64_t k0, int64_t k1, int64_t ox,
                 double *idx, float *values) {
  int32_t s = (int32_t)g->sw, first = (int32_t)((y0 + k0 * g->dh) * g->w + ox * g->sw - g->pw);
  i4 lane = {0, s, 2 * s, 3 * s};
  i4 at = lane + first;
  f4 best = {x[first], x[first + s], x[first + 2 * s], x[first + 3 * s]};
  // Two-wide windows side by side (stride 2): eight columns loaded, split into even and odd.
  int pairs = g->sw == 2 && g->kw == 2 && g->dw == 1;
  for (int64_t ki = k0; ki < k1; ki++) {
    int32_t row = (int32_t)((y0 + ki * g->dh) * g->w + ox * g->sw - g->pw);
    if (pairs) {
      f4 a, b;
      memcpy(&a, x + row, sizeof a);
      memcpy(&b, x + row + 4, sizeof b);
      f4 even = EVENS(a, b), odd = ODDS(a, b);
      TAKE(even, lane + row);
      TAKE(odd, lane + row + 1);
      continue;
    }
    for (int64_t kj = 0; kj < g->kw; kj++) {
      int32_t i = row + (int32_t)(kj * g->dw);
      f4 v = {x[i], x[i + s], x[i + 2 * s], x[i + 3 * s]};
      TAKE(v, lane + i);
    }
  }
  for (int l = 0; l < 4; l++) {
    if (values) values[l] = best[l];
    idx[l] = (double)at[l];
  }
}

// One window; its max goes to *value where value is not NULL (-inf for a window with no
// position inside the image, whose index is -1).
static double one(const ConvGeom *g, const float *x, int64_t y0, int64_t k0, int64_t k1,
                  int64_t x0, float *value) {
  int64_t j0 = first_in(x0, g->dw, g->kw), j1 = end_in(x0, g->dw, g->kw, g->w);
  if (k0 >= k1 || j0 >= j1) {
    if (value) *value = -__builtin_inff();
    return -1;
  }
  int32_t first = (int32_t)((y0 + k0 * g->dh) * g->w + x0 + j0 * g->dw);
  f4 best = (f4){0} + x[first];
  i4 at = (i4){0} + first;
  for (int64_t ki = k0; ki < k1; ki++) {
    int64_t row = (y0 + ki * g->dh) * g->w + x0;
    for (int64_t kj = j0; kj < j1; kj++) {
      int32_t i = (int32_t)(row + kj * g->dw);
      f4 v = (f4){0} + x[i];
      TAKE(v, (i4){0} + i);
    }
  }
  if (value) *value = best[0];
  return at[0];
}

void max_pool(const ConvGeom *g, const float *x, double *idx, float *values) {
  int64_t plane = g->h * g->w;
  // Output columns whose whole window lies inside the image's columns.
  int64_t in_lo = (g->pw + g->sw - 1) / g->sw;
  int64_t room = g->w - 1 - (g->kw - 1) * g->dw + g->pw;
  int64_t in_hi = room < 0 ? 0 : room / g->sw + 1;
  if (in_hi > g->ow) in_hi = g->ow;
  for (int64_t p = 0; p < g->n * g->c; p++, x += plane) {
    for (int64_t oy = 0; oy < g->oh; oy++, idx += g->ow, values = values ? values + g->ow : NULL) {
      int64_t y0 = oy * g->sh - g->ph;
      int64_t k0 = first_in(y0, g->dh, g->kh), k1 = end_in(y0, g->dh, g->kh, g->h);
      int64_t ox = 0;
      for (; ox < g->ow && ox < in_lo; ox++)
        idx[ox] = one(g, x, y0, k0, k1, ox * g->sw - g->pw, values ? values + ox : NULL);
      if (k0 < k1)
        for (; ox + 4 <= in_hi; ox += 4) four(g, x, y0, k0, k1, ox, idx + ox, values ? values + ox : NULL);
      for (; ox < g->ow; ox++)
        idx[ox] = one(g, x, y0, k0, k1, ox * g->sw - g->pw, values ? values + ox : NULL);
    }
  }
}

int max_pool_backward(const ConvGeom *g, const float *grad, const double *idx, float *out) {
  int64_t plane = g->h * g->w, outs = g->oh * g->ow, total = g->n * g->c * outs;
  for (int64_t i = 0; i < total; i++)
    if (!(idx[i] >= 0 && idx[i] < (double)plane && idx[i] == (double)(int64_t)idx[i])) return -1;
  memset(out, 0, g->n * g->c * plane * sizeof(float));
  for (int64_t p = 0; p < g->n * g->c; p++) {
    float *o = out + p * plane;
    const float *gr = grad + p * outs;
    const double *ix = idx + p * outs;
    for (int64_t i = 0; i < outs; i++) o[(int64_t)ix[i]] += gr[i];
  }
  return 0;
}
