// Node gives a tensor's memory back to malloc when the garbage collector frees its array, and
// glibc hands blocks past its mmap threshold (128 KiB, raised only as big blocks are freed)
// straight back to the kernel, so the next tensor of that size faults in every page anew. On
// the virtual machines this project runs on a fault costs 9-20 µs: a 16 MB output took 38 ms
// to fill fresh against 0.4 ms reused, and W4's step faulted 300-3,000 times. Blocks up to 32
// MiB (glibc's most) now come from the heap, and up to 128 MiB of free heap stays mapped: the
// arrays a training step frees are the ones its next step takes. PyTorch gets much the same
// from glibc's own sliding threshold, as its tensors are freed as soon as they die.
#include "heap.h"

#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#define MMAP_THRESHOLD (32 << 20)
#define TRIM_THRESHOLD (128 << 20)

// Whether the user tunes malloc: glibc's tunables or its older MALLOC_*_ variables.
static int user_tuned(void) {
  const char *t = getenv("GLIBC_TUNABLES");
  return (t && strstr(t, "glibc.malloc.")) || getenv("MALLOC_MMAP_THRESHOLD_") ||
         getenv("MALLOC_TRIM_THRESHOLD_") || getenv("TENSILE_NATIVE_HEAP");
}

const char *heap_tune(void) {
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
  if (user_tuned()) return "";
  if (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) && mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    return "glibc: mmap threshold 32 MiB, trim threshold 128 MiB";
#endif
  return "";
}
