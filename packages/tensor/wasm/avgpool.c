// Average pooling and its gradient by PyTorch's avg_pool2d rules: a window's sum over the
// positions inside the image, divided by divisor_override, or by the window's size clipped to
// the padded image (count_include_pad), or by its positions inside the image.
#include "kernels.h"

static inline int imin(int a, int b) { return a < b ? a : b; }
static inline int imax(int a, int b) { return a > b ? a : b; }

// The divisor of the window starting at (hs, ws), which may lie in the padding.
static inline float divisor(const AvgPoolTask *t, int hs, int ws) {
  const ConvGeom *g = t->g;
  if (t->divisor != 0) return t->divisor;
  int he = imin(hs + g->kh, g->h + g->ph), we = imin(ws + g->kw, g->w + g->pw);
  if (t->include_pad) return (float)((he - hs) * (we - ws));
  return (float)((imin(he, g->h) - imax(hs, 0)) * (imin(we, g->w) - imax(ws, 0)));
}

// Four neighbouring windows of one output row, each wholly inside the image's columns and
// with one divisor: their sums side by side in lanes.
static inline v128_t four(const ConvGeom *g, const float *x, int y0, int y1, int ws) {
  int s = g->sw;
  v128_t acc = wasm_f32x4_splat(0);
  for (int iy = y0; iy < y1; iy++) {
    const float *row = x + iy * g->w + ws;
    for (int kj = 0; kj < g->kw; kj++) {
      const float *p = row + kj;
      acc = wasm_f32x4_add(acc, s == 1 ? wasm_v128_load(p)
                                       : wasm_f32x4_make(p[0], p[s], p[2 * s], p[3 * s]));
    }
  }
  return acc;
}

static void forward(const AvgPoolTask *t) {
  const ConvGeom *g = t->g;
  // Output columns whose window lies inside the image's columns: one divisor for a row of them.
  int inLo = (g->pw + g->sw - 1) / g->sw;
  int room = g->w - g->kw + g->pw;
  int inHi = room < 0 ? 0 : imin(room / g->sw + 1, g->ow);
  for (int p = t->p0; p < t->p1; p++) {
    const float *x = t->x + p * g->h * g->w;
    float *y = t->y + p * g->oh * g->ow;
    for (int oy = 0; oy < g->oh; oy++, y += g->ow) {
      int hs = oy * g->sh - g->ph;
      int y0 = imax(hs, 0), y1 = imin(hs + g->kh, g->h);
      int ox = 0;
      for (; ox < g->ow; ox++) {
        if (ox >= inLo && ox + 4 <= inHi) {
          v128_t d = wasm_f32x4_splat(divisor(t, hs, ox * g->sw - g->pw));
          wasm_v128_store(y + ox, wasm_f32x4_div(four(g, x, y0, y1, ox * g->sw - g->pw), d));
          ox += 3;
          continue;
        }
        int ws = ox * g->sw - g->pw;
        int x0 = imax(ws, 0), x1 = imin(ws + g->kw, g->w);
        float sum = 0;
        for (int iy = y0; iy < y1; iy++)
          for (int ix = x0; ix < x1; ix++) sum += x[iy * g->w + ix];
        y[ox] = sum / divisor(t, hs, ws);
      }
    }
  }
}

// x is the output gradient [oh, ow] per plane, y the input gradient [h, w], zeroed here.
static void backward(const AvgPoolTask *t) {
  const ConvGeom *g = t->g;
  for (int p = t->p0; p < t->p1; p++) {
    const float *gy = t->x + p * g->oh * g->ow;
    float *gx = t->y + p * g->h * g->w;
    for (int i = 0; i < g->h * g->w; i++) gx[i] = 0;
    for (int oy = 0; oy < g->oh; oy++) {
      int hs = oy * g->sh - g->ph;
      int y0 = imax(hs, 0), y1 = imin(hs + g->kh, g->h);
      for (int ox = 0; ox < g->ow; ox++) {
        int ws = ox * g->sw - g->pw;
        int x0 = imax(ws, 0), x1 = imin(ws + g->kw, g->w);
        float v = gy[oy * g->ow + ox] / divisor(t, hs, ws);
        for (int iy = y0; iy < y1; iy++)
          for (int ix = x0; ix < x1; ix++) gx[iy * g->w + ix] += v;
      }
    }
  }
}

void avg_pool_task(const AvgPoolTask *t) {
  if (t->op == OP_AVG_POOL)
    forward(t);
  else
    backward(t);
}
