// Convolution (groups 1) as im2col + GEMM on the BLAS layer, on NCHW float32 arrays.
#ifndef TENSILE_CONV_H
#define TENSILE_CONV_H
#include <stdint.h>

// Batch n, channels c, image h x w, o output channels, kernel, stride, padding, dilation and
// the output plane oh x ow, as checked by conv_check.
typedef struct {
  int64_t n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow;
} ConvGeom;

enum { CONV_FORWARD, CONV_INPUT_GRAD, CONV_WEIGHT_GRAD };

// First i of count whose position start + i * step is >= 0 (count where none is).
static inline int64_t first_in(int64_t start, int64_t step, int64_t count) {
  if (start >= 0) return 0;
  int64_t i = (-start + step - 1) / step;
  return i < count ? i : count;
}

// One past the last i < count whose position start + i * step lies below size (0 if none).
static inline int64_t end_in(int64_t start, int64_t step, int64_t count, int64_t size) {
  int64_t room = size - 1 - start;
  if (room >= (count - 1) * step) return count;
  return room < 0 ? 0 : room / step + 1;
}

static inline int64_t at_least(int64_t lo, int64_t v) { return v > lo ? v : lo; }

// NULL where g is a convolution's geometry, else what is wrong with it.
const char *conv_check(const ConvGeom *g);
// forward: a = images [n, c, h, w], b = weight [o, c, kh, kw], bias [o] or NULL, out [n, o, oh, ow];
// input grad: a = output grad, b = weight, out = images' grad;
// weight grad: a = images, b = output grad, out = weight's grad.
// 0, a BLAS status, or -1 where scratch memory could not be had.
int conv_run(int kind, const ConvGeom *g, const float *a, const float *b, const float *bias,
             float *out);

#endif
