// @tensile/cpu-native: float32 GEMM from the system's oneDNN or OpenBLAS, on the caller's
// Float32Arrays without copies. The libraries are dlopen()ed at load time, so building needs
// only a C compiler and the Node-API headers (no -dev package), and a prebuilt binary can
// ship later: where neither library is installed, info().blas is null and Tensile keeps its
// WebAssembly kernels.
#define NAPI_VERSION 8
#include <dlfcn.h>
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// oneDNN's row-major sgemm (dnnl.h) and OpenBLAS's cblas_sgemm (cblas.h), declared here so
// that no header package is needed.
typedef int (*dnnl_sgemm_t)(char, char, int64_t, int64_t, int64_t, float, const float *, int64_t,
                            const float *, int64_t, float, float *, int64_t);
typedef void (*cblas_sgemm_t)(int, int, int, int, int, int, float, const float *, int,
                              const float *, int, float, float *, int);
typedef void (*set_threads_t)(int);
typedef char *(*corename_t)(void);
typedef struct { int major, minor, patch; const char *hash; unsigned cpu_runtime, gpu_runtime; } dnnl_version_t;

static dnnl_sgemm_t dnnl_sgemm;
static cblas_sgemm_t cblas_sgemm;
static set_threads_t set_threads;
static char blas[32] = "", library[64] = "", detail[128] = "";

static void *open_first(const char *const *names, char *which) {
  for (int i = 0; names[i]; i++) {
    void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (h) {
      snprintf(which, 64, "%s", names[i]);
      return h;
    }
  }
  return NULL;
}

static void load_dnnl(void) {
  const char *names[] = {"libdnnl.so.3", "libdnnl.so.2", "libdnnl.3.dylib", "libdnnl.2.dylib", NULL};
  // OpenMP threads that spin after each product would take the cores from Tensile's own
  // worker threads; unless the user chose otherwise they sleep at once.
  setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
  void *h = open_first(names, library);
  if (!h) return;
  dnnl_sgemm = (dnnl_sgemm_t)dlsym(h, "dnnl_sgemm");
  if (!dnnl_sgemm) return;
  snprintf(blas, sizeof blas, "onednn");
  const dnnl_version_t *(*version)(void) = (const dnnl_version_t *(*)(void))dlsym(h, "dnnl_version");
  if (version) {
    const dnnl_version_t *v = version();
    snprintf(detail, sizeof detail, "%d.%d.%d", v->major, v->minor, v->patch);
  }
  // oneDNN's CPU runtime is OpenMP (Debian's build): its thread count is libgomp's.
  void *gomp = dlopen("libgomp.so.1", RTLD_NOW | RTLD_NOLOAD);
  if (gomp) set_threads = (set_threads_t)dlsym(gomp, "omp_set_num_threads");
}

static void load_openblas(void) {
  const char *names[] = {"libopenblas.so.0", "libopenblas.0.dylib", "libopenblas.dylib", NULL};
  void *h = open_first(names, library);
  if (!h) return;
  cblas_sgemm = (cblas_sgemm_t)dlsym(h, "cblas_sgemm");
  if (!cblas_sgemm) return;
  snprintf(blas, sizeof blas, "openblas");
  set_threads = (set_threads_t)dlsym(h, "openblas_set_num_threads");
  corename_t core = (corename_t)dlsym(h, "openblas_get_corename");
  if (core) snprintf(detail, sizeof detail, "core %s", core());
}

static void load(void) {
  const char *want = getenv("TENSILE_BLAS");
  if (!want || strcmp(want, "openblas") != 0) load_dnnl();
  if (!blas[0] && (!want || strcmp(want, "onednn") != 0)) load_openblas();
  if (!blas[0]) library[0] = 0;
}

static napi_value str(napi_env env, const char *s) {
  napi_value v;
  if (!s[0]) {
    napi_get_null(env, &v);
    return v;
  }
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

static napi_value Info(napi_env env, napi_callback_info info) {
  napi_value o;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "blas", str(env, blas));
  napi_set_named_property(env, o, "library", str(env, library));
  napi_set_named_property(env, o, "detail", str(env, detail));
  return o;
}

// A whole number in [0, 2^31): sizes, offsets and leading dimensions. Bounding each keeps
// every product below 2^62 (no overflow in the checks) and every value an int for OpenBLAS.
static int arg_int(napi_env env, napi_value v, int64_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0 && d <= INT32_MAX) ||
      d != (double)(int64_t)d)
    return 0;
  *out = (int64_t)d;
  return 1;
}

// A Float32Array's data and length; 0 after throwing a TypeError. (An empty array's data may
// be NULL, so the pointer cannot double as the result.)
static int f32(napi_env env, napi_value v, float **data, size_t *len) {
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &t, len, (void **)data, &ab, &off) != napi_ok ||
      t != napi_float32_array) {
    napi_throw_type_error(env, NULL, "cpu-native sgemm: expected a Float32Array");
    return 0;
  }
  return 1;
}

// Whether element [off, off + the last element of an op(rows x cols) matrix with leading
// dimension ld] lies inside an array of len elements.
static int fits(int64_t off, int64_t rows, int64_t cols, int64_t ld, int trans, size_t len) {
  if (rows == 0 || cols == 0) return off >= 0 && (size_t)off <= len;
  int64_t last = trans ? (cols - 1) * ld + rows - 1 : (rows - 1) * ld + cols - 1;
  return off >= 0 && ld >= (trans ? rows : cols) && (size_t)(off + last) < len;
}

// sgemm(transA, transB, m, n, k, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc):
// row-major C[m, n] = alpha * op(A)[m, k] op(B)[k, n] + beta * C.
static napi_value Sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 16;
  napi_value argv[16];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 16) {
    napi_throw_type_error(env, NULL, "cpu-native sgemm: expected 16 arguments");
    return NULL;
  }
  int64_t ta, tb, m, n, k, aoff, lda, boff, ldb, coff, ldc;
  double alpha, beta;
  int ok = arg_int(env, argv[0], &ta) && arg_int(env, argv[1], &tb) && arg_int(env, argv[2], &m) &&
           arg_int(env, argv[3], &n) && arg_int(env, argv[4], &k) &&
           napi_get_value_double(env, argv[5], &alpha) == napi_ok &&
           arg_int(env, argv[7], &aoff) && arg_int(env, argv[8], &lda) &&
           arg_int(env, argv[10], &boff) && arg_int(env, argv[11], &ldb) &&
           napi_get_value_double(env, argv[12], &beta) == napi_ok &&
           arg_int(env, argv[14], &coff) && arg_int(env, argv[15], &ldc);
  if (!ok) {
    napi_throw_range_error(
        env, NULL, "cpu-native sgemm: sizes, offsets and leading dimensions must be whole numbers in [0, 2^31)");
    return NULL;
  }
  ta = ta != 0;
  tb = tb != 0;
  size_t alen, blen, clen;
  float *A, *B, *C;
  if (!f32(env, argv[6], &A, &alen) || !f32(env, argv[9], &B, &blen) ||
      !f32(env, argv[13], &C, &clen))
    return NULL;
  // The kernels trust their arguments, so an out-of-range one must stop here, not corrupt memory.
  if (!fits(aoff, m, k, lda, (int)ta, alen) || !fits(boff, k, n, ldb, (int)tb, blen) ||
      !fits(coff, m, n, ldc, 0, clen)) {
    napi_throw_range_error(env, NULL, "cpu-native sgemm: a matrix lies outside its array");
    return NULL;
  }
  if (m == 0 || n == 0) return NULL;
  if (k == 0) {
    // No products: C = beta * C (the libraries return without touching C).
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) {
        float *c = C + coff + i * ldc + j;
        *c = beta == 0 ? 0.0f : (float)beta * *c;
      }
    return NULL;
  }
  if (dnnl_sgemm) {
    // oneDNN 2.6's JIT sgemm keeps data below the stack pointer, where a signal handler's
    // frame overwrites it: one SIGPROF (node --cpu-prof) or SIGCHLD during a product corrupted
    // the heap (reproduced in plain C with setitimer). Signals wait until the product is done;
    // OpenMP's threads, first started inside such a call, inherit the blocked mask for good.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int status = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, (float)alpha, A + aoff, lda,
                            B + boff, ldb, (float)beta, C + coff, ldc);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (status != 0) {
      char msg[64];
      snprintf(msg, sizeof msg, "cpu-native sgemm: oneDNN returned status %d", status);
      napi_throw_error(env, NULL, msg);
    }
  } else if (cblas_sgemm) {
    cblas_sgemm(101, ta ? 112 : 111, tb ? 112 : 111, (int)m, (int)n, (int)k, (float)alpha,
                A + aoff, (int)lda, B + boff, (int)ldb, (float)beta, C + coff, (int)ldc);
  } else {
    napi_throw_error(env, NULL, "cpu-native sgemm: neither oneDNN nor OpenBLAS was found");
  }
  return NULL;
}

static napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t n = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc == 1 && arg_int(env, argv[0], &n) && n > 0 && set_threads) set_threads(n < 1024 ? (int)n : 1024);
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  load();
  napi_property_descriptor d[] = {
      {"info", 0, Info, 0, 0, 0, napi_default, 0},
      {"sgemm", 0, Sgemm, 0, 0, 0, napi_default, 0},
      {"setNumThreads", 0, SetNumThreads, 0, 0, 0, napi_default, 0},
  };
  napi_define_properties(env, exports, 3, d);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
