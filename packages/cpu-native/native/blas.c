// oneDNN's row-major sgemm (dnnl.h) and OpenBLAS's cblas_sgemm (cblas.h) are declared here and
// found with dlopen when the addon loads, so that building needs no -dev package.
#include "blas.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*dnnl_sgemm_t)(char, char, int64_t, int64_t, int64_t, float, const float *, int64_t,
                            const float *, int64_t, float, float *, int64_t);
typedef void (*cblas_sgemm_t)(int, int, int, int, int, int, float, const float *, int,
                              const float *, int, float, float *, int);
typedef void (*set_threads_t)(int);
typedef char *(*corename_t)(void);
typedef struct { int major, minor, patch; const char *hash; unsigned cpu_runtime, gpu_runtime; } dnnl_version_t;

char blas_name[32] = "", blas_library[64] = "", blas_detail[128] = "";
static dnnl_sgemm_t dnnl_sgemm;
static cblas_sgemm_t cblas_sgemm;
static set_threads_t set_threads;
static int threads = 1;
// The count last set on this thread (OpenMP's is per thread); OpenBLAS's is process-wide.
static __thread int current = -1;
static pthread_mutex_t openblas_lock = PTHREAD_MUTEX_INITIALIZER;
static int openblas_threads = -1;

// Below this many flops a product runs on one thread: waking a second one costs 20-30 µs
// (oneDNN, 64x10x256: 3.3 µs on one thread, 20-30 µs on two), and a train step interleaves
// its products with other work, so the second thread is asleep again by the next one: W2's
// 25 MFLOP products made its step 1.31-1.38 ms on two threads, 1.11-1.14 ms on one.
#define SHARED_FLOPS (32.0 * (1 << 20))

static void *open_first(const char *const *names) {
  for (int i = 0; names[i]; i++) {
    void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (h) {
      snprintf(blas_library, sizeof blas_library, "%s", names[i]);
      return h;
    }
  }
  return NULL;
}

static void load_dnnl(void) {
  const char *names[] = {"libdnnl.so.3", "libdnnl.so.2", "libdnnl.3.dylib", "libdnnl.2.dylib", NULL};
  // OpenMP threads that spin after each product would take the cores from Tensile's own
  // worker threads; unless the user chose otherwise they sleep at once. libgomp reads the
  // variable as it loads, and it is taken out again afterwards: child processes inherit the
  // environment, and PyTorch spawned by the bench ran 2-4x slower with it.
  int ours = getenv("OMP_WAIT_POLICY") == NULL;
  if (ours) setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
  void *h = open_first(names);
  if (ours) unsetenv("OMP_WAIT_POLICY");
  if (!h) return;
  dnnl_sgemm = (dnnl_sgemm_t)dlsym(h, "dnnl_sgemm");
  if (!dnnl_sgemm) return;
  snprintf(blas_name, sizeof blas_name, "onednn");
  const dnnl_version_t *(*version)(void) = (const dnnl_version_t *(*)(void))dlsym(h, "dnnl_version");
  if (version) {
    const dnnl_version_t *v = version();
    snprintf(blas_detail, sizeof blas_detail, "%d.%d.%d", v->major, v->minor, v->patch);
  }
  // oneDNN's CPU runtime is OpenMP (Debian's build): its thread count is libgomp's.
  void *gomp = dlopen("libgomp.so.1", RTLD_NOW | RTLD_NOLOAD);
  if (gomp) set_threads = (set_threads_t)dlsym(gomp, "omp_set_num_threads");
}

static void load_openblas(void) {
  const char *names[] = {"libopenblas.so.0", "libopenblas.0.dylib", "libopenblas.dylib", NULL};
  void *h = open_first(names);
  if (!h) return;
  cblas_sgemm = (cblas_sgemm_t)dlsym(h, "cblas_sgemm");
  if (!cblas_sgemm) return;
  snprintf(blas_name, sizeof blas_name, "openblas");
  set_threads = (set_threads_t)dlsym(h, "openblas_set_num_threads");
  corename_t core = (corename_t)dlsym(h, "openblas_get_corename");
  if (core) snprintf(blas_detail, sizeof blas_detail, "core %s", core());
}

static void load(void) {
  const char *want = getenv("TENSILE_BLAS");
  if (!want || strcmp(want, "openblas") != 0) load_dnnl();
  if (!blas_name[0] && (!want || strcmp(want, "onednn") != 0)) load_openblas();
  if (!blas_name[0]) blas_library[0] = 0;
}

// Each of Node's worker threads loads the addon again; the libraries are found once.
void blas_load(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, load);
}

int blas_found(void) { return dnnl_sgemm || cblas_sgemm; }

void blas_set_threads(int n) { threads = n < 1 ? 1 : n > 1024 ? 1024 : n; }

int blas_threads(void) { return threads; }

int blas_concurrent(void) { return dnnl_sgemm != NULL; }

int blas_sgemm(int use, int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha,
               const float *A, int64_t lda, const float *B, int64_t ldb, float beta, float *C,
               int64_t ldc) {
  int want = use > 0 ? use : 2.0 * m * n * k < SHARED_FLOPS ? 1 : threads;
  if (dnnl_sgemm && want != current && set_threads) {
    set_threads(want);
    current = want;
  }
  if (dnnl_sgemm)
    return dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  // OpenBLAS takes ints; and its thread count is one setting for the process, so Node's worker
  // threads multiply one at a time.
  if (m > INT32_MAX || n > INT32_MAX || k > INT32_MAX || lda > INT32_MAX || ldb > INT32_MAX ||
      ldc > INT32_MAX)
    return BLAS_TOO_LARGE;
  pthread_mutex_lock(&openblas_lock);
  if (want != openblas_threads && set_threads) {
    set_threads(want);
    openblas_threads = want;
  }
  cblas_sgemm(101, ta ? 112 : 111, tb ? 112 : 111, (int)m, (int)n, (int)k, alpha, A, (int)lda, B,
              (int)ldb, beta, C, (int)ldc);
  pthread_mutex_unlock(&openblas_lock);
  return 0;
}
