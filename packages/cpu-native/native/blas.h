// The BLAS layer: which library was found, and one float32 GEMM over either.
#ifndef TENSILE_BLAS_H
#define TENSILE_BLAS_H
#include <stdint.h>

extern char blas_name[32], blas_library[64], blas_detail[128];

// Finds oneDNN, else OpenBLAS (TENSILE_BLAS picks one); blas_name stays "" where neither is.
void blas_load(void);
int blas_found(void);
// The thread count for products big enough to share (small ones run on the calling thread).
void blas_set_threads(int n);
int blas_threads(void);
// Whether products may run on several threads of ours at once (oneDNN's may; OpenBLAS's thread
// count is one global setting, so only the caller's thread multiplies there).
int blas_concurrent(void);
// A status of blas_sgemm: a size OpenBLAS's int arguments cannot take.
#define BLAS_TOO_LARGE -2

// Row-major C[m, n] = alpha * op(A) op(B) + beta * C on `threads` threads (0: by its size);
// nonzero is the library's error status (or BLAS_TOO_LARGE). Callers block signals around it (tensile_native.c).
int blas_sgemm(int threads, int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha,
               const float *A, int64_t lda, const float *B, int64_t ldb, float beta, float *C,
               int64_t ldc);

#endif
