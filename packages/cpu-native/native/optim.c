#include "optim.h"

#include <math.h>

void sgd_step(const SgdArgs *s, float *p, const float *g, float *b, int64_t n) {
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

void adam_step(const AdamArgs *s, float *p, const float *g, float *m, float *v, float *vmax,
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
