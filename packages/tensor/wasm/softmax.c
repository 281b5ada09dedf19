// softmax and log_softmax along one dim of a dense [outer, n, inner] array, in three passes
// over each line: the max, exp(x - max) and its sum, then the division (or, for log_softmax,
// x - max - log(sum)). A line holding a NaN comes out NaN, as torch's: the max skips it
// (pmax, one instruction where max is several) but the sum of exps does not.
#include "kernels.h"
#include "vmath.h"

static inline float lane0(v128_t v) { return wasm_f32x4_extract_lane(v, 0); }

static inline float hmax(v128_t v) {
  v = wasm_f32x4_pmax(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  return lane0(wasm_f32x4_pmax(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2)));
}

// One contiguous line of n values (inner == 1): vectors along the line, the tail on lane 0.
static void line(const float *x, float *y, int n, int log) {
  v128_t mv = wasm_f32x4_splat(-__builtin_inff());
  int j = 0;
  for (; j + 4 <= n; j += 4) mv = wasm_f32x4_pmax(mv, wasm_v128_load(x + j));
  for (; j < n; j++) mv = wasm_f32x4_pmax(mv, wasm_f32x4_splat(x[j]));
  v128_t m = wasm_f32x4_splat(hmax(mv));
  v128_t lo = wasm_f64x2_splat(0), hi = lo;
  double s = 0;
  for (j = 0; j + 4 <= n; j += 4) {
    v128_t d = wasm_f32x4_sub(wasm_v128_load(x + j), m);
    v128_t e = vexp(d);
    widen(e, &lo, &hi);
    wasm_v128_store(y + j, log ? d : e);
  }
  for (; j < n; j++) {
    v128_t d = wasm_f32x4_sub(wasm_f32x4_splat(x[j]), m);
    v128_t e = vexp(d);
    s += lane0(e);
    y[j] = lane0(log ? d : e);
  }
  lo = wasm_f64x2_add(lo, hi);
  s += wasm_f64x2_extract_lane(lo, 0) + wasm_f64x2_extract_lane(lo, 1);
  v128_t total = wasm_f32x4_splat((float)s);
  if (log) {
    v128_t ls = vlog(total);
    for (j = 0; j + 4 <= n; j += 4) wasm_v128_store(y + j, wasm_f32x4_sub(wasm_v128_load(y + j), ls));
    for (; j < n; j++) y[j] -= lane0(ls);
  } else {
    for (j = 0; j + 4 <= n; j += 4) wasm_v128_store(y + j, wasm_f32x4_div(wasm_v128_load(y + j), total));
    for (; j < n; j++) y[j] /= lane0(total);
  }
}

// `width` (4 or 1) neighbouring lines of a strided layout (inner > 1), side by side in lanes.
static inline v128_t get(const float *p, int width) {
  return width == 4 ? wasm_v128_load(p) : wasm_f32x4_splat(*p);
}

static inline void put(float *p, v128_t v, int width) {
  if (width == 4)
    wasm_v128_store(p, v);
  else
    *p = lane0(v);
}

static inline void lines(const float *x, float *y, int n, int inner, int log, int width) {
  v128_t m = wasm_f32x4_splat(-__builtin_inff());
  for (int j = 0; j < n; j++) m = wasm_f32x4_pmax(m, get(x + j * inner, width));
  v128_t lo = wasm_f64x2_splat(0), hi = lo;
  for (int j = 0; j < n; j++) {
    v128_t d = wasm_f32x4_sub(get(x + j * inner, width), m);
    v128_t e = vexp(d);
    widen(e, &lo, &hi);
    put(y + j * inner, log ? d : e, width);
  }
  // Back to float32 lanes (with width 1, each lane holds the one line's total).
  v128_t s = wasm_f32x4_demote_f64x2_zero(lo);
  s = wasm_i32x4_shuffle(s, wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5);
  v128_t ls = log ? vlog(s) : s;
  for (int j = 0; j < n; j++) {
    v128_t v = get(y + j * inner, width);
    put(y + j * inner, log ? wasm_f32x4_sub(v, ls) : wasm_f32x4_div(v, s), width);
  }
}

void softmax_task(const SoftmaxTask *t) {
  int n = t->n, inner = t->inner;
  for (int o = t->o0; o < t->o1; o++) {
    const float *x = t->x + o * n * inner;
    float *y = t->out + o * n * inner;
    if (inner == 1) {
      line(x, y, n, t->log);
      continue;
    }
    int c = 0;
    for (; c + 4 <= inner; c += 4) lines(x + c, y + c, n, inner, t->log, 4);
    for (; c < inner; c++) lines(x + c, y + c, n, inner, t->log, 1);
  }
}
