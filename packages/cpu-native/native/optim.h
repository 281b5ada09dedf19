// torch.optim's SGD and Adam single-tensor updates in place over dense float32 arrays, each
// operation rounded to float32 as Tensile's composed tensor ops round it (and its WebAssembly
// kernels, wasm/optim.c in @tensile/tensor): the same results to the bit.
#ifndef TENSILE_OPTIM_H
#define TENSILE_OPTIM_H
#include <stdint.h>

typedef struct {
  float neg_lr, momentum, weight_decay, damp;
  int undamped, nesterov, maximize;
} SgdArgs;

typedef struct {
  float neg_step, beta1, beta2, keep1, keep2, weight_decay, decay, eps, bc2;
  int decayed, maximize;
} AdamArgs;

// b (the momentum buffer) may be NULL.
void sgd_step(const SgdArgs *s, float *p, const float *g, float *b, int64_t n);
// vmax (amsgrad's running maximum) may be NULL.
void adam_step(const AdamArgs *s, float *p, const float *g, float *m, float *v, float *vmax,
               int64_t n);

#endif
