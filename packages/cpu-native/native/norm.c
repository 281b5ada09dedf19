#include "norm.h"

#include <math.h>
#include <stdlib.h>

#include "pool.h"

// Values from which a part of the work is worth a thread's wake-up.
#define MIN_PART (1 << 16)

typedef struct {
  const float *x, *g, *w, *b, *mean, *invstd;
  float *out, *dx, *mean_out, *invstd_out;
  double eps, *sum, *sum2;
  int64_t n, c, s;
} Norm;

// Each channel's sums run over the images in order, whatever the split: the same bits on any
// number of threads, and the JavaScript kernel's.
static void forward_channels(void *arg, int64_t c0, int64_t c1) {
  const Norm *a = arg;
  int64_t n = a->n, c = a->c, s = a->s;
  double count = (double)n * s;
  for (int64_t ch = c0; ch < c1; ch++) {
    double m = 0, var = 0;
    for (int64_t i = 0; i < n; i++) {
      const float *row = a->x + (i * c + ch) * s;
      double acc = 0;
      for (int64_t j = 0; j < s; j++) acc += row[j];
      m += acc;
    }
    m /= count;
    // The variance from the centred values (two passes), as torch's: no cancellation.
    for (int64_t i = 0; i < n; i++) {
      const float *row = a->x + (i * c + ch) * s;
      double acc = 0;
      for (int64_t j = 0; j < s; j++) acc += (row[j] - m) * (row[j] - m);
      var += acc;
    }
    double r = 1 / sqrt(var / count + a->eps);
    a->mean_out[ch] = (float)m;
    a->invstd_out[ch] = (float)r;
    // r stays in double for the output pass, as the JavaScript kernel keeps it.
    double k = r * a->w[ch], shift = a->b[ch];
    for (int64_t i = 0; i < n; i++) {
      const float *row = a->x + (i * c + ch) * s;
      float *o = a->out + (i * c + ch) * s;
      for (int64_t j = 0; j < s; j++) o[j] = (float)((row[j] - m) * k + shift);
    }
  }
}

static int64_t min_channels(int64_t n, int64_t s) {
  int64_t per = n * s;
  return per >= MIN_PART ? 1 : (per > 0 ? MIN_PART / per : MIN_PART);
}

int batch_norm(const float *x, const float *w, const float *b, double eps, int64_t n, int64_t c,
               int64_t s, float *out, float *mean, float *invstd) {
  Norm a = {.x = x, .w = w, .b = b, .eps = eps, .out = out, .mean_out = mean,
            .invstd_out = invstd, .n = n, .c = c, .s = s};
  pool_for(c, 1, min_channels(n, s), forward_channels, &a);
  return 0;
}

static void backward_channels(void *arg, int64_t c0, int64_t c1) {
  const Norm *a = arg;
  int64_t n = a->n, c = a->c, s = a->s;
  double count = (double)n * s;
  for (int64_t ch = c0; ch < c1; ch++) {
    double sum_g = 0, sum_gx = 0, mc = a->mean[ch];  // sum_gx: of g * (x - mean)
    for (int64_t i = 0; i < n; i++) {
      const float *gr = a->g + (i * c + ch) * s, *xr = a->x + (i * c + ch) * s;
      double p = 0, q = 0;
      for (int64_t j = 0; j < s; j++) {
        p += gr[j];
        q += gr[j] * (xr[j] - mc);
      }
      sum_g += p;
      sum_gx += q;
    }
    double r = a->invstd[ch], k = a->w[ch] * r, shift = sum_g / count;
    double slope = r * r * sum_gx / count;
    for (int64_t i = 0; i < n; i++) {
      const float *gr = a->g + (i * c + ch) * s, *xr = a->x + (i * c + ch) * s;
      float *d = a->dx + (i * c + ch) * s;
      for (int64_t j = 0; j < s; j++) d[j] = (float)(k * (gr[j] - shift - (xr[j] - mc) * slope));
    }
    a->sum[ch] = sum_gx * r;
    a->sum2[ch] = sum_g;
  }
}

int batch_norm_backward(const float *g, const float *x, const float *mean, const float *invstd,
                        const float *w, int64_t n, int64_t c, int64_t s, float *dx, float *dw,
                        float *db) {
  double *sums = malloc((2 * c + 1) * sizeof(double));
  if (!sums) return -1;
  Norm a = {.g = g, .x = x, .mean = mean, .invstd = invstd, .w = w, .dx = dx, .sum = sums,
            .sum2 = sums + c, .n = n, .c = c, .s = s};
  pool_for(c, 1, min_channels(n, s), backward_channels, &a);
  for (int64_t ch = 0; ch < c; ch++) {
    dw[ch] = (float)a.sum[ch];
    db[ch] = (float)a.sum2[ch];
  }
  free(sums);
  return 0;
}
