// Batch norm in training mode over a dense float32 [n, c, s] array, as @tensile/tensor's
// JavaScript kernel (src/cpu/norm.ts) computes it: per-channel sums in double, two passes
// each way.
#ifndef TENSILE_NORM_H
#define TENSILE_NORM_H
#include <stdint.h>

// Both return 0, or -1 where memory for the sums could not be had. Channels are split across
// the threads (pool.h).
// out = (x - mean) * invstd * w + b, with the biased variance; mean and invstd [c] are written.
int batch_norm(const float *x, const float *w, const float *b, double eps, int64_t n, int64_t c,
                int64_t s, float *out, float *mean, float *invstd);
// dx = w * invstd * (g - mean(g) - x̂ * mean(g * x̂)); dw = sum(g * x̂), db = sum(g) per channel.
int batch_norm_backward(const float *g, const float *x, const float *mean, const float *invstd,
                         const float *w, int64_t n, int64_t c, int64_t s, float *dx, float *dw,
                         float *db);

#endif
