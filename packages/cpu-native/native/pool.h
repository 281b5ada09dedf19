// A small pool of worker threads for work the BLAS libraries cannot split themselves: a
// convolution's column building (each worker running single-threaded products), and passes
// over memory.
#ifndef TENSILE_POOL_H
#define TENSILE_POOL_H
#include <stdint.h>

// Runs fn(arg, t) for t in [0, tasks) across up to `threads` threads, the caller included,
// and returns when all have finished. Workers start on first use, with every signal blocked.
void pool_run(int threads, int tasks, void (*fn)(void *arg, int task), void *arg);

// fn(arg, lo, hi) over [0, n) in up to blas_threads() parts, each at least `min_part` long
// and (but the last) a multiple of `grain`, for the memory-bound kernels (batch norm,
// elementwise ops, optimizer steps): on this machine's two cores a pass over memory runs
// twice as fast on both (42 -> 86 GB/s). Serial where one part suffices, or while another
// thread (a Node worker) has the pool.
void pool_for(int64_t n, int64_t grain, int64_t min_part,
              void (*fn)(void *arg, int64_t lo, int64_t hi), void *arg);

#endif
