// Sums, maxima and minima of a dense [outer, rows, n, inner] array along outer and n (the
// outer block serves BatchNorm's sums over N and H*W). Sums accumulate in double, as the
// JavaScript kernels do: float32 blocks of 16 values a lane were faster (0.25 ms against
// 0.34 for 1000 rows of 1000), but put BatchNorm's cancelling gradient sums 2e-3 off torch's
// through ResNet-50.
// Max and min take torch's rule that a NaN wins: pmax and pmin (one instruction each, where
// max and min are several) skip NaNs, so a mask of the NaNs seen is kept beside them.
#include "kernels.h"

// pmax(acc, v) is v where acc < v, else acc: a NaN v is skipped.
static inline v128_t fold(int kind, v128_t acc, v128_t v) {
  return kind == RED_MAX ? wasm_f32x4_pmax(acc, v) : wasm_f32x4_pmin(acc, v);
}

// The lanes of acc, NaN where the mask of NaNs seen is set.
static inline v128_t with_nans(v128_t acc, v128_t nans) {
  return wasm_v128_bitselect(wasm_f32x4_splat(__builtin_nanf("")), acc, nans);
}

static inline v128_t start(int kind) {  // RED_MAX or RED_MIN
  return wasm_f32x4_splat(kind == RED_MAX ? -__builtin_inff() : __builtin_inff());
}

static double line(int kind, const float *x, int n) {
  int j = 0;
  if (kind != RED_SUM) {
    v128_t a = start(kind), b = a, nans = wasm_i32x4_splat(0);
    for (; j + 8 <= n; j += 8) {
      v128_t u = wasm_v128_load(x + j), v = wasm_v128_load(x + j + 4);
      a = fold(kind, a, u);
      b = fold(kind, b, v);
      nans = wasm_v128_or(nans, wasm_v128_or(wasm_f32x4_ne(u, u), wasm_f32x4_ne(v, v)));
    }
    for (; j < n; j++) {
      v128_t u = wasm_f32x4_splat(x[j]);
      a = fold(kind, a, u);
      nans = wasm_v128_or(nans, wasm_f32x4_ne(u, u));
    }
    a = fold(kind, a, b);
    a = fold(kind, a, wasm_i32x4_shuffle(a, a, 2, 3, 0, 1));
    a = fold(kind, a, wasm_i32x4_shuffle(a, a, 1, 0, 3, 2));
    return wasm_v128_any_true(nans) ? __builtin_nanf("") : wasm_f32x4_extract_lane(a, 0);
  }
  // Two pairs of double accumulators, so that each add waits on the one two vectors back.
  v128_t lo = wasm_f64x2_splat(0), hi = lo, lo2 = lo, hi2 = lo;
  for (; j + 8 <= n; j += 8) {
    widen(wasm_v128_load(x + j), &lo, &hi);
    widen(wasm_v128_load(x + j + 4), &lo2, &hi2);
  }
  lo = wasm_f64x2_add(lo, lo2);
  hi = wasm_f64x2_add(hi, hi2);
  double s = 0;
  for (; j < n; j++) s += x[j];
  lo = wasm_f64x2_add(lo, hi);
  return s + wasm_f64x2_extract_lane(lo, 0) + wasm_f64x2_extract_lane(lo, 1);
}

// Sets *out to v, or folds v into it where `acc` (a later block of the outer reduced dims).
static inline void put(int kind, double *out, double v, int acc) {
  if (!acc)
    *out = v;
  else if (kind == RED_SUM)
    *out += v;
  else if (v != v || (kind == RED_MAX ? v > *out : v < *out))
    *out = v;
}

// Columns c .. c + width - 1 (width 4 or 1) of one [n, inner] block, into out[c ..].
static inline void columns(int kind, const float *x, int n, int inner, double *out, int width,
                           int acc) {
  v128_t lo = wasm_f64x2_splat(0), hi = lo;
  if (kind != RED_SUM) {
    v128_t a = start(kind), nans = wasm_i32x4_splat(0);
    for (int j = 0; j < n; j++) {
      v128_t v = width == 4 ? wasm_v128_load(x + j * inner) : wasm_f32x4_splat(x[j * inner]);
      a = fold(kind, a, v);
      nans = wasm_v128_or(nans, wasm_f32x4_ne(v, v));
    }
    a = with_nans(a, nans);
    lo = wasm_f64x2_promote_low_f32x4(a);
    hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(a, a, 2, 3, 0, 1));
  } else if (width == 1) {
    double s = 0;
    for (int j = 0; j < n; j++) s += x[j * inner];
    lo = wasm_f64x2_splat(s);
  } else {
    for (int j = 0; j < n; j++) widen(wasm_v128_load(x + j * inner), &lo, &hi);
  }
  put(kind, out, wasm_f64x2_extract_lane(lo, 0), acc);
  if (width == 1) return;
  put(kind, out + 1, wasm_f64x2_extract_lane(lo, 1), acc);
  put(kind, out + 2, wasm_f64x2_extract_lane(hi, 0), acc);
  put(kind, out + 3, wasm_f64x2_extract_lane(hi, 1), acc);
}

void reduce_task(const ReduceTask *t) {
  int n = t->n, inner = t->inner, kind = t->kind;
  const float *x = t->x;
  for (int o = 0; o < t->outer; o++) {
    for (int r = 0; r < t->rows; r++, x += n * inner) {
      double *out = t->out + r * inner;
      if (inner == 1) {
        put(kind, out, line(kind, x, n), o > 0);
        continue;
      }
      int c = 0;
      for (; c + 4 <= inner; c += 4) columns(kind, x + c, n, inner, out + c, 4, o > 0);
      for (; c < inner; c++) columns(kind, x + c, n, inner, out + c, 1, o > 0);
    }
  }
}
