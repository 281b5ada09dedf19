// Optimizer steps (torch.optim.SGD's and Adam's single-tensor updates) over [i0, i1) of a
// parameter, in place: each operation rounds to float32 as the composed tensor ops do, so the
// results are theirs to the bit. The caller pads the operands to whole vectors.
#include "kernels.h"

void sgd_task(const SgdTask *t) {
  float *p = t->p, *b = t->b;
  const float *g = t->g;
  v128_t m = wasm_f32x4_splat(t->momentum), wd = wasm_f32x4_splat(t->weight_decay);
  v128_t damp = wasm_f32x4_splat(t->damp), lr = wasm_f32x4_splat(t->neg_lr);
  for (int i = t->i0; i < t->i1; i += 4) {
    v128_t x = wasm_v128_load(p + i), d = wasm_v128_load(g + i);
    if (t->maximize) d = wasm_f32x4_neg(d);
    if (t->weight_decay != 0) d = wasm_f32x4_add(d, wasm_f32x4_mul(wd, x));
    if (b) {
      v128_t v = wasm_f32x4_mul(wasm_v128_load(b + i), m);
      v = wasm_f32x4_add(v, t->undamped ? d : wasm_f32x4_mul(damp, d));
      wasm_v128_store(b + i, v);
      d = t->nesterov ? wasm_f32x4_add(d, wasm_f32x4_mul(m, v)) : v;
    }
    wasm_v128_store(p + i, wasm_f32x4_add(x, wasm_f32x4_mul(lr, d)));
  }
}

#define SPLAT wasm_f32x4_splat

void adam_task(const AdamTask *t) {
  v128_t b1 = SPLAT(t->beta1), b2 = SPLAT(t->beta2), k1 = SPLAT(t->keep1), k2 = SPLAT(t->keep2);
  v128_t wd = SPLAT(t->weight_decay), decay = SPLAT(t->decay), eps = SPLAT(t->eps);
  v128_t bc2 = SPLAT(t->bc2), step = SPLAT(t->neg_step);
  for (int i = t->i0; i < t->i1; i += 4) {
    v128_t x = wasm_v128_load(t->p + i), d = wasm_v128_load(t->g + i);
    if (t->decayed) x = wasm_f32x4_mul(x, decay);
    if (t->maximize) d = wasm_f32x4_neg(d);
    if (t->weight_decay != 0) d = wasm_f32x4_add(d, wasm_f32x4_mul(wd, x));
    v128_t m = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(t->m + i), b1), wasm_f32x4_mul(k1, d));
    v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(t->v + i), b2),
                              wasm_f32x4_mul(k2, wasm_f32x4_mul(d, d)));
    wasm_v128_store(t->m + i, m);
    wasm_v128_store(t->v + i, v);
    if (t->vmax) {
      // maximum(): the running max unless v is above it or it is a NaN.
      v128_t w = wasm_v128_load(t->vmax + i);
      v = wasm_v128_bitselect(w, v, wasm_v128_or(wasm_f32x4_gt(w, v), wasm_f32x4_ne(w, w)));
      wasm_v128_store(t->vmax + i, v);
    }
    v128_t denom = wasm_f32x4_add(wasm_f32x4_div(wasm_f32x4_sqrt(v), bc2), eps);
    wasm_v128_store(t->p + i, wasm_f32x4_add(x, wasm_f32x4_mul(step, wasm_f32x4_div(m, denom))));
  }
}
