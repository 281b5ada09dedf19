// Direct convolution for layers whose windows hold few values (c * kh * kw, e.g. a network's
// first layer on RGB images), or whose output channels are few: im2col + GEMM multiplies a k
// of 27, or a GEMM 16 columns wide, at a fraction of the machine's speed, and copies the image
// once per tap to do it.
#ifndef TENSILE_DIRECT_H
#define TENSILE_DIRECT_H
#include "conv.h"

// The instruction set the tile kernel runs on: "avx512", "avx2", or "" (none: no direct path).
const char *direct_isa(void);
// Whether the convolution of g (forward and weight gradient) goes the direct way here.
int direct_fits(const ConvGeom *g);
// y [n, o, oh, ow] = x [n, c, h, w] convolved with w [o, c, kh, kw], plus bias [o] (or NULL),
// on up to `threads` threads; 0, or -1 where scratch memory could not be had.
int direct_forward(const ConvGeom *g, const float *x, const float *w, const float *bias, float *y,
                   int threads);

// dw [o, c, kh, kw] = the gradient of that convolution's weight: images x against the output
// gradient gy [n, o, oh, ow]; same geometry rule and status as direct_forward.
int direct_weight_grad(const ConvGeom *g, const float *x, const float *gy, float *dw,
                       int threads);

#endif
