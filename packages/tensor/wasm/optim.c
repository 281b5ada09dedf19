// The SGD step (torch.optim.SGD's single-tensor update) over [i0, i1) of a parameter, in
// place: each operation rounds to float32 as the composed tensor ops do, so the results are
// theirs to the bit. The caller pads the operands to whole vectors.
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
