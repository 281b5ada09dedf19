#include "norm.h"

#include <math.h>
#include <stdlib.h>

int batch_norm(const float *x, const float *w, const float *b, double eps, int64_t n, int64_t c,
                int64_t s, float *out, float *mean, float *invstd) {
  double count = (double)n * s;
  double *m = calloc(2 * c + 1, sizeof(double)), *var = m + c;
  if (!m) return -1;
  for (int64_t i = 0; i < n; i++)
    for (int64_t ch = 0; ch < c; ch++) {
      const float *row = x + (i * c + ch) * s;
      double acc = 0;
      for (int64_t j = 0; j < s; j++) acc += row[j];
      m[ch] += acc;
    }
  for (int64_t ch = 0; ch < c; ch++) m[ch] /= count;
  // The variance from the centred values (two passes), as torch's: no cancellation.
  for (int64_t i = 0; i < n; i++)
    for (int64_t ch = 0; ch < c; ch++) {
      const float *row = x + (i * c + ch) * s;
      double acc = 0, mc = m[ch];
      for (int64_t j = 0; j < s; j++) acc += (row[j] - mc) * (row[j] - mc);
      var[ch] += acc;
    }
  for (int64_t ch = 0; ch < c; ch++) {
    double r = 1 / sqrt(var[ch] / count + eps);
    mean[ch] = (float)m[ch];
    invstd[ch] = (float)r;
    var[ch] = r;  // kept in double for the output pass, as the JavaScript kernel keeps it
  }
  for (int64_t i = 0; i < n; i++)
    for (int64_t ch = 0; ch < c; ch++) {
      const float *row = x + (i * c + ch) * s;
      float *o = out + (i * c + ch) * s;
      double mc = m[ch], k = var[ch] * w[ch], shift = b[ch];
      for (int64_t j = 0; j < s; j++) o[j] = (float)((row[j] - mc) * k + shift);
    }
  free(m);
  return 0;
}

int batch_norm_backward(const float *g, const float *x, const float *mean, const float *invstd,
                         const float *w, int64_t n, int64_t c, int64_t s, float *dx, float *dw,
                         float *db) {
  double count = (double)n * s;
  double *sum_g = calloc(2 * c + 1, sizeof(double)), *sum_gx = sum_g + c;  // sum of g * (x - mean)
  if (!sum_g) return -1;
  for (int64_t i = 0; i < n; i++)
    for (int64_t ch = 0; ch < c; ch++) {
      const float *gr = g + (i * c + ch) * s, *xr = x + (i * c + ch) * s;
      double a = 0, bsum = 0, mc = mean[ch];
      for (int64_t j = 0; j < s; j++) {
        a += gr[j];
        bsum += gr[j] * (xr[j] - mc);
      }
      sum_g[ch] += a;
      sum_gx[ch] += bsum;
    }
  for (int64_t i = 0; i < n; i++)
    for (int64_t ch = 0; ch < c; ch++) {
      const float *gr = g + (i * c + ch) * s, *xr = x + (i * c + ch) * s;
      float *d = dx + (i * c + ch) * s;
      double r = invstd[ch], k = w[ch] * r, shift = sum_g[ch] / count;
      double slope = r * r * sum_gx[ch] / count, mc = mean[ch];
      for (int64_t j = 0; j < s; j++) d[j] = (float)(k * (gr[j] - shift - (xr[j] - mc) * slope));
    }
  for (int64_t ch = 0; ch < c; ch++) {
    dw[ch] = (float)(sum_gx[ch] * invstd[ch]);
    db[ch] = (float)sum_g[ch];
  }
  free(sum_g);
  return 0;
}
