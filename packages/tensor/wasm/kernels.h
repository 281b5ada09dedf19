// Shared declarations of the WebAssembly kernels. A kernel call is a task record in this
// module's memory, so the calling thread and the worker threads run the same records.
#ifndef TENSILE_KERNELS_H
#define TENSILE_KERNELS_H
#include <wasm_simd128.h>

enum { OP_GEMM = 1 };

// Task records are TASK_WORDS 32-bit words; the layout is mirrored in src/cpu/wasm/tasks.ts.
#define TASK_WORDS 16

typedef struct {
  int op;
  const float *a;
  int rsa, csa;
  const float *b;
  int rsb, csb;
  float *c;
  int ldc;
  int m0, m1, n0, n1, k0, k1;
} GemmTask;

void gemm_block(const GemmTask *t, float *ws);

#endif
