// Keeps freed tensor memory in the process (glibc's malloc only).
#ifndef TENSILE_HEAP_H
#define TENSILE_HEAP_H

// Sets glibc's mmap and trim thresholds unless the environment tunes malloc itself; what it
// did, for info() ("" where nothing).
const char *heap_tune(void);

#endif
