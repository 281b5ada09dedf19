// Elementwise float32 ops over dense runs, numbered as Tensile's WebAssembly kernels number
// them (packages/tensor/wasm/kernels.h, ELT_*).
#ifndef TENSILE_ELTWISE_H
#define TENSILE_ELTWISE_H
#include <stdint.h>

// The ops here: add, sub, mul, div, maximum, minimum, relu, reluBackward, sqrt, abs (0-9).
#define ELTWISE_OPS 10

// out[i] = op(a[i], b[i]) for i < n, or op(a[i], b[0]) where b_step is 0; b is unread by the
// unary ops (relu, sqrt, abs).
void eltwise(int op, float *out, const float *a, const float *b, int b_step, int64_t n);
// out = op(a, b) over n values, b one row of `period` values (dividing n) repeated.
void eltwise_rows(int op, float *out, const float *a, const float *b, int64_t period, int64_t n);
// Both split long runs across the threads (pool.h); each value depends on its own operands
// only, so the split never changes a bit.

#endif
