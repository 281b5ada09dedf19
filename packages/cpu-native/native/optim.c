#include "optim.h"

#include <math.h>

#include "pool.h"

// Values from which a part of the work is worth a thread's wake-up.
#define MIN_PART (1 << 16)

static void sgd_run(const SgdArgs *s, float *p, const float *g, float *b, int64_t n) {
  if (b && s->undamped && s->weight_decay == 0 && !s->maximize && !s->nesterov) {
    // The common case (momentum alone) as one branch-free loop, which vectorizes.
    for (int64_t i = 0; i < n; i++) {
      float v = b[i] * s->momentum + g[i];
      b[i] = v;
      p[i] = p[i] + s->neg_lr * v;
    }
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    float x = p[i], d = s->maximize ? -g[i] : g[i];
    if (s->weight_decay != 0) d = d + s->weight_decay * x;
    if (b) {
      float v = b[i] * s->momentum + (s->undamped ? d : s->damp * d);
      b[i] = v;
      d = s->nesterov ? d + s->momentum * v : v;
    }
    p[i] = x + s->neg_lr * d;
  }
}

static void adam_run(const AdamArgs *s, float *p, const float *g, float *m, float *v, float *vmax,
                     int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    float x = p[i], d = s->maximize ? -g[i] : g[i];
    if (s->decayed) x = x * s->decay;
    if (s->weight_decay != 0) d = d + s->weight_decay * x;
    float mi = m[i] * s->beta1 + s->keep1 * d;
    float vi = v[i] * s->beta2 + s->keep2 * (d * d);
    m[i] = mi;
    v[i] = vi;
    if (vmax) {
      // maximum(): the running max unless v is above it or it is a NaN.
      float w = vmax[i];
      vi = w > vi || w != w ? w : vi;
      vmax[i] = vi;
    }
    float denom = sqrtf(vi) / s->bc2 + s->eps;
    p[i] = x + s->neg_step * (mi / denom);
  }
}

typedef struct {
  const SgdArgs *sgd;
  const AdamArgs *adam;
  float *p, *b, *m, *v, *vmax;
  const float *g;
} Step;

#define AT(ptr, lo) ((ptr) ? (ptr) + (lo) : 0)

static void sgd_range(void *arg, int64_t lo, int64_t hi) {
  const Step *t = arg;
  sgd_run(t->sgd, t->p + lo, t->g + lo, AT(t->b, lo), hi - lo);
}

static void adam_range(void *arg, int64_t lo, int64_t hi) {
  const Step *t = arg;
  adam_run(t->adam, t->p + lo, t->g + lo, t->m + lo, t->v + lo, AT(t->vmax, lo), hi - lo);
}

// Each element's update reads only its own values: any split gives the same bits.
void sgd_step(const SgdArgs *s, float *p, const float *g, float *b, int64_t n) {
  Step t = {.sgd = s, .p = p, .g = g, .b = b};
  pool_for(n, 16, MIN_PART, sgd_range, &t);
}

void adam_step(const AdamArgs *s, float *p, const float *g, float *m, float *v, float *vmax,
               int64_t n) {
  Step t = {.adam = s, .p = p, .g = g, .m = m, .v = v, .vmax = vmax};
  pool_for(n, 16, MIN_PART, adam_range, &t);
}
