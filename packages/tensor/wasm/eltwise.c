// Elementwise float32 kernels over [i0, i1) of dense operands; b is one value broadcast when
// b_step is 0. The arithmetic ones are the IEEE single operation, so the results are the
// JavaScript kernels' to the bit (those compute in double and round, which for these ops is
// the same); exp, log, tanh and sigmoid are within about an ulp of them (vmath.h).
#include "kernels.h"
#include "vmath.h"

static inline v128_t apply(int op, v128_t a, v128_t b) {
  v128_t zero = wasm_f32x4_splat(0);
  switch (op) {
    case ELT_ADD: return wasm_f32x4_add(a, b);
    case ELT_SUB: return wasm_f32x4_sub(a, b);
    case ELT_MUL: return wasm_f32x4_mul(a, b);
    case ELT_DIV: return wasm_f32x4_div(a, b);
    // torch.maximum's rule, a > b || isnan(a) ? a : b: a NaN on either side wins, and of two
    // zeros the second (f32x4.max would give +0 for max(+0, -0)).
    case ELT_MAXIMUM:
      return wasm_v128_bitselect(a, b, wasm_v128_or(wasm_f32x4_gt(a, b), wasm_f32x4_ne(a, a)));
    case ELT_MINIMUM:
      return wasm_v128_bitselect(a, b, wasm_v128_or(wasm_f32x4_lt(a, b), wasm_f32x4_ne(a, a)));
    case ELT_RELU:
      return wasm_v128_bitselect(a, zero, wasm_v128_or(wasm_f32x4_gt(a, zero), wasm_f32x4_ne(a, a)));
    // a is the gradient, b relu's output: cut where b <= 0 (a NaN output passes it).
    case ELT_RELU_BACKWARD: return wasm_v128_bitselect(zero, a, wasm_f32x4_le(b, zero));
    case ELT_SQRT: return wasm_f32x4_sqrt(a);
    case ELT_ABS: return wasm_f32x4_abs(a);
    case ELT_EXP: return vexp(a);
    case ELT_LOG: return vlog(a);
    case ELT_TANH: return vtanh(a);
    default: return vsigmoid(a);
  }
}

// out = op(a, b) over [i, end): b dense (b_step 1) or its first value.
static void run_op(int op, float *out, const float *a, const float *b, int b_step, int i, int end) {
  v128_t bs = wasm_f32x4_splat(b ? b[0] : 0);
  // One switch per vector is cheap next to a memory-bound loop; a loop per op would be
  // nine copies of the same lines.
  if (b_step) {
    for (; i + 4 <= end; i += 4)
      wasm_v128_store(out + i, apply(op, wasm_v128_load(a + i), wasm_v128_load(b + i)));
  } else {
    for (; i + 4 <= end; i += 4) wasm_v128_store(out + i, apply(op, wasm_v128_load(a + i), bs));
  }
  for (; i < end; i++) {
    v128_t r = apply(op, wasm_f32x4_splat(a[i]), b_step ? wasm_f32x4_splat(b[i]) : bs);
    out[i] = wasm_f32x4_extract_lane(r, 0);
  }
}

void eltwise_task(const EltTask *t) {
  if (t->b_step != 2) {
    run_op(t->elt, t->out, t->a, t->b, t->b_step, t->i0, t->i1);
    return;
  }
  // A row of b repeated: each row of the output is the dense case over b itself.
  int p = t->b_len;
  for (int i = t->i0; i < t->i1; i += p)
    run_op(t->elt, t->out + i, t->a + i, t->b, 1, 0, p < t->i1 - i ? p : t->i1 - i);
}
