// Sums, maxima and minima of a dense float32 [outer, rows, n, inner] array along outer and n,
// in the order of Tensile's WebAssembly kernel (packages/tensor/wasm/reduce.c), so both tiers
// give the same bits: sums in double with its lanes, max and min with torch's NaN rule.
#ifndef TENSILE_REDUCE_H
#define TENSILE_REDUCE_H
#include <stdint.h>

enum { RED_SUM, RED_MAX, RED_MIN };

// out [rows, inner] gets the reductions rounded to float; 0, or -1 where the double totals'
// scratch could not be had.
int reduce(int kind, const float *x, int64_t outer, int64_t rows, int64_t n, int64_t inner,
           float *out);

#endif
