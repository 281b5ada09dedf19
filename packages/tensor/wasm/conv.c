// Convolution (groups 1) one image at a time: im2col into the task's column buffer, then one
// GEMM that writes the output in NCHW order; the gradients run the same walk backwards
// (GEMM, then col2im) or accumulate the weight gradient over the task's images.
#include "kernels.h"

// Output positions [lo, hi) whose input position o * stride + start lies in [0, size).
static int end_inside(int out, int stride, int start, int size, int lo) {
  int hi = end_in(start, stride, out, size);
  return hi > lo ? hi : lo;
}

// d[0, n) = 0, with vector stores (the last one overlapping) where n >= 4.
static inline void zero(float *d, int n) {
  if (n < 4) {
    for (int i = 0; i < n; i++) d[i] = 0.0f;
    return;
  }
  v128_t z = wasm_f32x4_splat(0);
  for (int i = 0; i + 4 < n; i += 4) wasm_v128_store(d + i, z);
  wasm_v128_store(d + n - 4, z);
}

// d[0, n) = s[0, n), likewise.
static inline void copy(float *d, const float *s, int n) {
  if (n < 4) {
    for (int i = 0; i < n; i++) d[i] = s[i];
    return;
  }
  for (int i = 0; i + 4 < n; i += 4) wasm_v128_store(d + i, wasm_v128_load(s + i));
  wasm_v128_store(d + n - 4, wasm_v128_load(s + n - 4));
}

// d[0, n) += s[0, n).
static inline void add(float *d, const float *s, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4)
    wasm_v128_store(d + i, wasm_f32x4_add(wasm_v128_load(d + i), wasm_v128_load(s + i)));
  for (; i < n; i++) d[i] += s[i];
}

// Walks the column matrix [c*kh*kw, oh*ow] of one image: gather copies image values into the
// columns (zeros where a window hangs over the border), otherwise the columns are added back.
// Rows of a unit-stride window are vector copies: conv rows are short (10-30 values), so the
// loop around them costs as much as the values.
static void walk(const ConvGeom *g, float *img, float *cols, int gather) {
  int plane = g->oh * g->ow, row = 0;
  for (int c = 0; c < g->c; c++) {
    float *src = img + c * g->h * g->w;
    for (int ki = 0; ki < g->kh; ki++) {
      int y0 = ki * g->dh - g->ph;
      int ylo = first_in(y0, g->sh, g->oh);
      int yhi = end_inside(g->oh, g->sh, y0, g->h, ylo);
      for (int kj = 0; kj < g->kw; kj++, row++) {
        int x0 = kj * g->dw - g->pw;
        int xlo = first_in(x0, g->sw, g->ow);
        int xhi = end_inside(g->ow, g->sw, x0, g->w, xlo);
        float *d = cols + row * plane;
        for (int oy = 0; oy < g->oh; oy++, d += g->ow) {
          int inside = oy >= ylo && oy < yhi;
          if (!gather) {
            if (!inside) continue;
            float *s = src + (oy * g->sh + y0) * g->w + x0;
            if (g->sw == 1)
              add(s + xlo, d + xlo, xhi - xlo);
            else
              for (int ox = xlo; ox < xhi; ox++) s[ox * g->sw] += d[ox];
            continue;
          }
          if (!inside || xlo > 0 || xhi < g->ow) zero(d, g->ow);
          if (!inside) continue;
          const float *s = src + (oy * g->sh + y0) * g->w + x0;
          if (g->sw == 1)
            copy(d + xlo, s + xlo, xhi - xlo);
          else
            for (int ox = xlo; ox < xhi; ox++) d[ox] = s[ox * g->sw];
        }
      }
    }
  }
}

void conv_task(const ConvTask *t, float *ws) {
  const ConvGeom *g = t->g;
  int plane = g->oh * g->ow, k = g->c * g->kh * g->kw, image = g->c * g->h * g->w;
  int outs = g->o * plane;
  // A 1x1 kernel with unit stride and no padding reads the image itself as its columns.
  int direct = g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->ph == 0 && g->pw == 0;
  for (int n = t->n0; n < t->n1; n++) {
    if (t->op == OP_CONV_INPUT_GRAD) {
      float *dx = t->y + n * image, *dcols = direct ? dx : t->cols;
      // dcols [k, plane] = W^T [k, o] * grad[n] [o, plane]
      gemm(t->w, 1, k, t->x + n * outs, plane, 1, dcols, plane, 0, k, 0, plane, 0, g->o, 0, ws);
      if (!direct) {
        for (int i = 0; i < image; i++) dx[i] = 0.0f;
        walk(g, dx, dcols, 0);
      }
      continue;
    }
    float *img = (float *)t->x + n * image, *cols = direct ? img : t->cols;
    if (!direct) walk(g, img, cols, 1);
    if (t->op == OP_CONV_WEIGHT_GRAD) {
      // dW [o, k] += grad[n] [o, plane] * cols^T [plane, k]
      gemm_nt(t->w + n * outs, plane, cols, plane, t->y, k, g->o, k, plane, n > t->n0);
      continue;
    }
    float *y = t->y + n * outs;
    if (t->bias)
      for (int o = 0; o < g->o; o++)
        for (int p = 0; p < plane; p++) y[o * plane + p] = t->bias[o];
    gemm(t->w, k, 1, cols, plane, 1, y, plane, 0, g->o, 0, plane, 0, k, t->bias != 0, ws);
  }
}
