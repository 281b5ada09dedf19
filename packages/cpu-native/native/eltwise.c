// The arithmetic ones are the IEEE single operation, so the results are the JavaScript and
// WebAssembly kernels' to the bit; maximum, minimum and relu follow torch's NaN rules as those
// do. One loop per op and operand form, which the compiler vectorizes (a switch per element
// would stop it).
#include "eltwise.h"

#include <math.h>

#include "pool.h"

// Values from which a part of the work is worth a thread's wake-up.
#define MIN_PART (1 << 16)

#define LOOP(expr)                                                 \
  do {                                                             \
    if (b_step) {                                                  \
      for (int64_t i = 0; i < n; i++) {                            \
        float x = a[i], y = b[i];                                  \
        (void)y;                                                   \
        out[i] = (expr);                                           \
      }                                                            \
    } else {                                                       \
      float y = b ? b[0] : 0.0f;                                   \
      (void)y;                                                     \
      for (int64_t i = 0; i < n; i++) {                            \
        float x = a[i];                                            \
        out[i] = (expr);                                           \
      }                                                            \
    }                                                              \
  } while (0)

static void run(int op, float *out, const float *a, const float *b, int b_step, int64_t n) {
  switch (op) {
    case 0: LOOP(x + y); break;
    case 1: LOOP(x - y); break;
    case 2: LOOP(x * y); break;
    case 3: LOOP(x / y); break;
    // torch.maximum: a NaN on either side wins, and of two equal values (+0, -0) the second.
    case 4: LOOP(x > y || x != x ? x : y); break;
    case 5: LOOP(x < y || x != x ? x : y); break;
    case 6: LOOP(x > 0.0f || x != x ? x : 0.0f); break;
    // x is the gradient, y relu's output: cut where y <= 0 (a NaN output passes it).
    case 7: LOOP(y <= 0.0f ? 0.0f : x); break;
    case 8: LOOP(sqrtf(x)); break;
    default: LOOP(fabsf(x)); break;
  }
}

typedef struct {
  int op, b_step;
  float *out;
  const float *a, *b;
  int64_t period;
} Elt;

static void range(void *arg, int64_t lo, int64_t hi) {
  const Elt *t = arg;
  run(t->op, t->out + lo, t->a + lo, t->b_step ? t->b + lo : t->b, t->b_step, hi - lo);
}

// Rows [lo, hi) of `period` values, b's one row over each.
static void rows(void *arg, int64_t lo, int64_t hi) {
  const Elt *t = arg;
  for (int64_t r = lo; r < hi; r++)
    run(t->op, t->out + r * t->period, t->a + r * t->period, t->b, 1, t->period);
}

void eltwise(int op, float *out, const float *a, const float *b, int b_step, int64_t n) {
  Elt t = {op, b_step, out, a, b, 0};
  pool_for(n, 16, MIN_PART, range, &t);
}

void eltwise_rows(int op, float *out, const float *a, const float *b, int64_t period, int64_t n) {
  Elt t = {op, 1, out, a, b, period};
  int64_t count = n / period;
  pool_for(count, 1, MIN_PART / period + 1, rows, &t);
}
