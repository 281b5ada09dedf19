// Max pooling over NCHW float32 planes with PyTorch's rules, as @tensile/tensor's JavaScript
// kernel (src/cpu/windows.ts) computes it: the first maximum of a window in row-major order,
// the last NaN where there is one, indices into each input plane as whole numbers in doubles
// (Tensile's int64 arrays).
#ifndef TENSILE_MAXPOOL_H
#define TENSILE_MAXPOOL_H
#include <stdint.h>

#include "conv.h"

// Windows of g (o unused) over x [n, c, h, w] into idx [n, c, oh, ow] and values (or NULL).
void max_pool(const ConvGeom *g, const float *x, double *idx, float *values);
// out [n, c, h, w] (zeros first) += grad [n, c, oh, ow] at idx; 0, or -1 where an index lies
// outside its plane (nothing is written then).
int max_pool_backward(const ConvGeom *g, const float *grad, const double *idx, float *out);

#endif
