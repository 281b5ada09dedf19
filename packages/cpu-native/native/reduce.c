// The WebAssembly kernel reads four lanes a vector: the lane arrays below stand for its
// vectors, lane for lane, so that every double add and every max happens in the same order.
// Reading the caller's array in place saves the copy into WebAssembly memory, which cost more
// than the reduction (a 16 MB sum: 1.3 ms against 0.4).
#include "reduce.h"

#include <stdlib.h>

// pmax(acc, v): v where acc < v, else acc (a NaN v is skipped; the mask below keeps it).
static inline float fold(int kind, float acc, float v) {
  return kind == RED_MAX ? (acc < v ? v : acc) : (v < acc ? v : acc);
}

static double line(int kind, const float *x, int64_t n) {
  int64_t j = 0;
  if (kind != RED_SUM) {
    float start = kind == RED_MAX ? -__builtin_inff() : __builtin_inff();
    float a[8] = {start, start, start, start, start, start, start, start};
    int nans = 0;
    for (; j + 8 <= n; j += 8)
      for (int i = 0; i < 8; i++) {
        a[i] = fold(kind, a[i], x[j + i]);
        nans |= x[j + i] != x[j + i];
      }
    for (; j < n; j++)
      for (int i = 0; i < 4; i++) {
        a[i] = fold(kind, a[i], x[j]);
        nans |= x[j] != x[j];
      }
    for (int i = 0; i < 4; i++) a[i] = fold(kind, a[i], a[i + 4]);
    a[0] = fold(kind, a[0], a[2]);
    a[1] = fold(kind, a[1], a[3]);
    a[0] = fold(kind, a[0], a[1]);
    return nans ? __builtin_nanf("") : a[0];
  }
  // Lanes 0-3 are the first vector's (lo, hi), 4-7 the second's (lo2, hi2).
  double a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (; j + 8 <= n; j += 8)
    for (int i = 0; i < 8; i++) a[i] += x[j + i];
  double lo0 = a[0] + a[4], lo1 = a[1] + a[5], hi0 = a[2] + a[6], hi1 = a[3] + a[7];
  double s = 0;
  for (; j < n; j++) s += x[j];
  lo0 += hi0;
  lo1 += hi1;
  return s + lo0 + lo1;
}

// Sets *out to v, or folds v into it where `acc` (a later block of the outer reduced dims).
static inline void put(int kind, double *out, double v, int acc) {
  if (!acc) *out = v;
  else if (kind == RED_SUM) *out += v;
  else if (v != v || (kind == RED_MAX ? v > *out : v < *out)) *out = v;
}

// The max or min of column x[0], x[inner], ... of one [n, inner] block, into *out.
static inline void column(int kind, const float *x, int64_t n, int64_t inner, double *out, int acc) {
  float a = kind == RED_MAX ? -__builtin_inff() : __builtin_inff();
  int nans = 0;
  for (int64_t j = 0; j < n; j++) {
    a = fold(kind, a, x[j * inner]);
    nans |= x[j * inner] != x[j * inner];
  }
  put(kind, out, nans ? __builtin_nanf("") : a, acc);
}

int reduce(int kind, const float *x, int64_t outer, int64_t rows, int64_t n, int64_t inner,
           float *out) {
  int64_t kept = rows * inner;
  // The totals, then one block's column sums (a row at a time: a column at a time would
  // stride through memory; each column's order of adds is the same).
  double *acc = malloc((size_t)(kept + inner + 1) * sizeof(double)), *cols = acc + kept;
  if (!acc) return -1;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t r = 0; r < rows; r++, x += n * inner) {
      double *to = acc + r * inner;
      if (inner == 1) {
        put(kind, to, line(kind, x, n), o > 0);
      } else if (kind == RED_SUM) {
        for (int64_t c = 0; c < inner; c++) cols[c] = 0;
        for (int64_t j = 0; j < n; j++)
          for (int64_t c = 0; c < inner; c++) cols[c] += x[j * inner + c];
        for (int64_t c = 0; c < inner; c++) put(kind, to + c, cols[c], o > 0);
      } else {
        for (int64_t c = 0; c < inner; c++) column(kind, x + c, n, inner, to + c, o > 0);
      }
    }
  for (int64_t i = 0; i < kept; i++) out[i] = (float)acc[i];
  free(acc);
  return 0;
}
