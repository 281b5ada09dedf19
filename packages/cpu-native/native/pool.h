// A small pool of worker threads for work the BLAS libraries cannot split themselves (a
// convolution's column building), each worker running single-threaded products.
#ifndef TENSILE_POOL_H
#define TENSILE_POOL_H

// Runs fn(arg, t) for t in [0, tasks) across up to `threads` threads, the caller included,
// and returns when all have finished. Workers start on first use, with the caller's signal
// mask (callers block signals first: see tensile_native.c).
void pool_run(int threads, int tasks, void (*fn)(void *arg, int task), void *arg);

#endif
