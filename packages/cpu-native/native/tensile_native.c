// @tensile/cpu-native: float32 GEMM and convolution from the system's oneDNN or OpenBLAS, on
// the caller's Float32Arrays without copies. The libraries are dlopen()ed at load time (blas.c),
// so building needs only a C compiler and the Node-API headers (no -dev package), and a
// prebuilt binary can ship later: where neither library is installed, info().blas is null and
// Tensile keeps its WebAssembly kernels. Every argument is checked here, before the kernels,
// which trust theirs.
#define NAPI_VERSION 8
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "conv.h"
#include "direct.h"
#include "eltwise.h"
#include "heap.h"
#include "maxpool.h"
#include "norm.h"
#include "optim.h"
#include "reduce.h"

// Bumped with every change to the functions' contract: @tensile/tensor loads only the addon
// it was written against (a stale build falls back to the WebAssembly kernels).
#define TENSILE_NATIVE_ABI 2

static napi_value str(napi_env env, const char *s) {
  napi_value v;
  if (!s[0]) {
    napi_get_null(env, &v);
    return v;
  }
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

static const char *heap = "";

static napi_value Info(napi_env env, napi_callback_info info) {
  napi_value o;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "blas", str(env, blas_name));
  napi_set_named_property(env, o, "library", str(env, blas_library));
  napi_set_named_property(env, o, "detail", str(env, blas_detail));
  napi_set_named_property(env, o, "isa", str(env, direct_isa()));
  napi_set_named_property(env, o, "heap", str(env, heap));
  napi_value abi;
  napi_create_int32(env, TENSILE_NATIVE_ABI, &abi);
  napi_set_named_property(env, o, "abi", abi);
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

// A typed array's data and length where it is of type `want`; 0 after throwing a TypeError.
// (An empty array's data may be NULL, so the pointer cannot double as the result.)
static int typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &t, len, data, &ab, &off) == napi_ok && t == want) return 1;
  napi_throw_type_error(env, NULL,
                        want == napi_float32_array ? "cpu-native: expected a Float32Array"
                                                   : "cpu-native: expected a Float64Array of offsets");
  return 0;
}

static int f32(napi_env env, napi_value v, float **data, size_t *len) {
  return typed(env, v, napi_float32_array, (void **)data, len);
}

static int f64(napi_env env, napi_value v, double **data, size_t *len) {
  return typed(env, v, napi_float64_array, (void **)data, len);
}

// A whole number in [0, 2^53) from a double (an offset in a Float64Array of starts).
static int whole(double d, int64_t *out) {
  if (!(d >= 0 && d < 9007199254740992.0) || d != (double)(int64_t)d) return 0;
  *out = (int64_t)d;
  return 1;
}

// oneDNN 2.6's JIT sgemm keeps data below the stack pointer, where a signal handler's frame
// overwrites it: one SIGPROF (node --cpu-prof) or SIGCHLD during a product corrupted the heap
// (reproduced in plain C with setitimer). So signals wait while the library works; OpenMP's
// threads, first started inside such a call, inherit the blocked mask for good. (OpenBLAS
// needs none of this, and the two system calls cost 2 µs here.)
typedef struct {
  int on;
  sigset_t old;
} Quiet;

static Quiet quiet(void) {
  Quiet q = {strcmp(blas_name, "onednn") == 0};
  sigset_t all;
  sigfillset(&all);
  if (q.on) pthread_sigmask(SIG_BLOCK, &all, &q.old);
  return q;
}

static void unquiet(const Quiet *q) {
  if (q->on) pthread_sigmask(SIG_SETMASK, &q->old, NULL);
}

// Holds signals for a call into the library; 0 after throwing where there is none.
static int begin(napi_env env, const char *op, Quiet *q) {
  if (!blas_found()) {
    char msg[96];
    snprintf(msg, sizeof msg, "cpu-native %s: neither oneDNN nor OpenBLAS was found", op);
    napi_throw_error(env, NULL, msg);
    return 0;
  }
  *q = quiet();
  return 1;
}

// Lets signals through again; throws where the call failed (-1: no scratch memory, else the
// library's status).
static napi_value finish(napi_env env, const char *op, const Quiet *q, int status) {
  unquiet(q);
  if (status != 0) {
    char msg[96];
    if (status == -1) snprintf(msg, sizeof msg, "cpu-native %s: out of memory for scratch", op);
    else if (status == BLAS_TOO_LARGE)
      snprintf(msg, sizeof msg, "cpu-native %s: a size past 2^31 - 1, more than OpenBLAS takes", op);
    else snprintf(msg, sizeof msg, "cpu-native %s: oneDNN returned status %d", op, status);
    napi_throw_error(env, NULL, msg);
  }
  return NULL;
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
  Quiet q;
  if (!begin(env, "sgemm", &q)) return NULL;
  int status = blas_sgemm(0, (int)ta, (int)tb, m, n, k, (float)alpha, A + aoff, lda, B + boff, ldb,
                          (float)beta, C + coff, ldc);
  return finish(env, "sgemm", &q, status);
}

// sgemmBatch(transA, transB, m, n, k, A, aStarts, lda, B, bStarts, ldb, C): for each t,
// C[t] = op(A at aStarts[t]) op(B at bStarts[t]), C dense [batch, m, n]; one call for a batch
// of small products, which would cost a call each.
static napi_value SgemmBatch(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t ta, tb, m, n, k, lda, ldb;
  if (argc != 12 || !(arg_int(env, argv[0], &ta) && arg_int(env, argv[1], &tb) &&
                      arg_int(env, argv[2], &m) && arg_int(env, argv[3], &n) &&
                      arg_int(env, argv[4], &k) && arg_int(env, argv[7], &lda) &&
                      arg_int(env, argv[10], &ldb))) {
    napi_throw_range_error(env, NULL, "cpu-native sgemmBatch: expected 12 arguments, sizes whole numbers in [0, 2^31)");
    return NULL;
  }
  ta = ta != 0;
  tb = tb != 0;
  size_t alen, blen, clen, batch, bbatch;
  float *A, *B, *C;
  double *as, *bs;
  if (!f32(env, argv[5], &A, &alen) || !f32(env, argv[8], &B, &blen) ||
      !f32(env, argv[11], &C, &clen) || !f64(env, argv[6], &as, &batch) ||
      !f64(env, argv[9], &bs, &bbatch))
    return NULL;
  if (bbatch != batch || (double)batch * m * n != (double)clen) {
    napi_throw_range_error(env, NULL, "cpu-native sgemmBatch: C must hold exactly one m x n matrix per start");
    return NULL;
  }
  // The offsets are checked and used from one copy: a SharedArrayBuffer's could change between.
  int64_t *starts = malloc(2 * (batch + 1) * sizeof(int64_t));
  if (!starts) {
    napi_throw_error(env, NULL, "cpu-native sgemmBatch: out of memory");
    return NULL;
  }
  for (size_t t = 0; t < batch; t++) {
    int64_t *ao = starts + 2 * t, *bo = ao + 1;
    if (!whole(as[t], ao) || !whole(bs[t], bo) || !fits(*ao, m, k, lda, (int)ta, alen) ||
        !fits(*bo, k, n, ldb, (int)tb, blen)) {
      free(starts);
      napi_throw_range_error(env, NULL, "cpu-native sgemmBatch: a matrix lies outside its array");
      return NULL;
    }
  }
  if (clen == 0 || k == 0) {
    if (clen > 0) memset(C, 0, clen * sizeof(float));
    free(starts);
    return NULL;
  }
  Quiet q;
  if (!begin(env, "sgemmBatch", &q)) {
    free(starts);
    return NULL;
  }
  int status = 0;
  for (size_t t = 0; t < batch && !status; t++)
    status = blas_sgemm(0, (int)ta, (int)tb, m, n, k, 1, A + starts[2 * t], lda,
                        B + starts[2 * t + 1], ldb, 0, C + t * m * n, n);
  free(starts);
  return finish(env, "sgemmBatch", &q, status);
}

// The 15 whole numbers of a geometry array (conv.h's ConvGeom), checked; 0 after throwing.
static int geometry(napi_env env, napi_value v, const char *op, ConvGeom *g) {
  int64_t *gv = &g->n;
  uint32_t count = 0;
  if (napi_get_array_length(env, v, &count) != napi_ok) count = 0;
  for (uint32_t i = 0; i < 15 && count == 15; i++) {
    napi_value e;
    // A getter that throws leaves its exception pending: return with it.
    if (napi_get_element(env, v, i, &e) != napi_ok) return 0;
    if (!arg_int(env, e, &gv[i])) count = 0;
  }
  const char *bad = count == 15 ? conv_check(g) : "the geometry must be 15 whole numbers in [0, 2^31)";
  if (bad) {
    char msg[160];
    snprintf(msg, sizeof msg, "cpu-native %s: %s", op, bad);
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

// conv(kind, geometry, a, b, bias, out): kind 0 forward, 1 input gradient, 2 weight gradient
// (conv.h); geometry [n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow], padding the
// top and left (an output plane smaller than the padded image pads the far sides less).
static napi_value Conv(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t kind;
  if (argc != 6 || !arg_int(env, argv[0], &kind) || kind > 2) {
    napi_throw_range_error(env, NULL, "cpu-native conv: expected 6 arguments, kind 0, 1 or 2");
    return NULL;
  }
  ConvGeom g;
  if (!geometry(env, argv[1], "conv", &g)) return NULL;
  napi_valuetype bt;
  napi_typeof(env, argv[4], &bt);
  size_t alen, blen, olen, biaslen = 0;
  float *A, *B, *O, *bias = NULL;
  if (!f32(env, argv[2], &A, &alen) || !f32(env, argv[3], &B, &blen) || !f32(env, argv[5], &O, &olen) ||
      (bt != napi_null && !f32(env, argv[4], &bias, &biaslen)))
    return NULL;
  double images = (double)g.n * g.c * g.h * g.w, weight = (double)g.o * g.c * g.kh * g.kw;
  double outs = (double)g.n * g.o * g.oh * g.ow;
  double want[3][3] = {{images, weight, outs}, {outs, weight, images}, {images, outs, weight}};
  if (want[kind][0] != (double)alen || want[kind][1] != (double)blen || want[kind][2] != (double)olen ||
      (bt != napi_null && (kind != 0 || biaslen != (size_t)g.o))) {
    napi_throw_range_error(env, NULL, "cpu-native conv: an array's length does not match the geometry");
    return NULL;
  }
  Quiet q;
  if (!begin(env, "conv", &q)) return NULL;
  return finish(env, "conv", &q, conv_run((int)kind, &g, A, B, bias, O));
}

// The arguments of maxPool and maxPoolBackward: geometry (as conv's, o unused), two float32
// arrays (a, b: the images or the output gradient, then values or out) and the indices, each
// as long as the geometry says (b may be null for maxPool); 0 after throwing.
typedef struct {
  ConvGeom g;
  float *a, *b;
  double *idx;
} PoolArgs;

static int pool_args(napi_env env, napi_callback_info info, const char *op, int backward, PoolArgs *p) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char msg[128];
  if (argc != 4) {
    snprintf(msg, sizeof msg, "cpu-native %s: expected geometry and three arrays", op);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  if (!geometry(env, argv[0], op, &p->g)) return 0;
  napi_valuetype bt;
  napi_typeof(env, argv[3], &bt);
  size_t alen, ilen, blen = 0;
  p->b = NULL;
  if (!f32(env, argv[1], &p->a, &alen) || !f64(env, argv[2], &p->idx, &ilen) ||
      ((backward || bt != napi_null) && !f32(env, argv[3], &p->b, &blen)))
    return 0;
  const ConvGeom *g = &p->g;
  double images = (double)g->n * g->c * g->h * g->w, outs = (double)g->n * g->c * g->oh * g->ow;
  if ((double)alen != (backward ? outs : images) || (double)ilen != outs ||
      (p->b && (double)blen != (backward ? images : outs))) {
    snprintf(msg, sizeof msg, "cpu-native %s: an array's length does not match the geometry", op);
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

// maxPool(geometry, x, idx, values): windows over x [n, c, h, w] into idx [n, c, oh, ow] (a
// Float64Array of whole numbers) and values (or null).
static napi_value MaxPool(napi_env env, napi_callback_info info) {
  PoolArgs p;
  if (pool_args(env, info, "maxPool", 0, &p)) max_pool(&p.g, p.a, p.idx, p.b);
  return NULL;
}

// maxPoolBackward(geometry, grad, idx, out): out [n, c, h, w] = grad [n, c, oh, ow] added at
// idx; a RangeError where an index lies outside its plane.
static napi_value MaxPoolBackward(napi_env env, napi_callback_info info) {
  PoolArgs p;
  if (pool_args(env, info, "maxPoolBackward", 1, &p) && max_pool_backward(&p.g, p.a, p.idx, p.b) != 0)
    napi_throw_range_error(env, NULL, "cpu-native maxPoolBackward: an index lies outside its input plane");
  return NULL;
}

// eltwise(op, out, a, b, bStep): out = op(a, b) over out's length (eltwise.h); b is null for
// the unary ops, else as long as out (bStep 1), one value (bStep 0), or a row repeated over
// out (bStep 2: its length divides out's, as a bias added to every row).
static napi_value Eltwise(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t op, step;
  if (argc != 5 || !arg_int(env, argv[0], &op) || op >= ELTWISE_OPS || !arg_int(env, argv[4], &step) ||
      step > 2) {
    napi_throw_range_error(env, NULL, "cpu-native eltwise: expected 5 arguments, an op below 10, bStep 0, 1 or 2");
    return NULL;
  }
  napi_valuetype bt;
  napi_typeof(env, argv[3], &bt);
  size_t n, alen, blen = 0;
  float *out, *a, *b = NULL;
  if (!f32(env, argv[1], &out, &n) || !f32(env, argv[2], &a, &alen) ||
      (bt != napi_null && !f32(env, argv[3], &b, &blen)))
    return NULL;
  int unary = op == 6 || op == 8 || op == 9, given = bt != napi_null;
  int rows = step == 2;
  if (alen < n || (unary ? given : !given || blen < (step == 1 ? n : 1)) || (rows && (blen == 0 || n % blen))) {
    napi_throw_range_error(env, NULL, "cpu-native eltwise: an operand is shorter than the output, b is missing or extra, or b's rows do not tile the output");
    return NULL;
  }
  if (rows) {
    eltwise_rows((int)op, out, a, b, (int64_t)blen, (int64_t)n);
  } else if (n > 0) {
    eltwise((int)op, out, a, b, (int)step, (int64_t)n);
  }
  return NULL;
}

// reduce(kind, x, outer, rows, n, inner, out): out [rows, inner] = the sum (0), max (1) or
// min (2) of dense x [outer, rows, n, inner] along outer and n.
static napi_value Reduce(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t kind, d[4];
  int ok = argc == 7 && arg_int(env, argv[0], &kind) && kind <= RED_MIN;
  for (int i = 0; ok && i < 4; i++) ok = arg_int(env, argv[2 + i], &d[i]);
  if (!ok) {
    napi_throw_range_error(env, NULL, "cpu-native reduce: expected a kind below 3, x, 4 sizes in [0, 2^31) and out");
    return NULL;
  }
  size_t xlen, olen;
  float *x, *out;
  if (!f32(env, argv[1], &x, &xlen) || !f32(env, argv[6], &out, &olen)) return NULL;
  // In double: four sizes below 2^31 can overflow int64 but not a double's range.
  if ((double)d[0] * d[1] * d[2] * d[3] > (double)xlen || (double)d[1] * d[3] > (double)olen) {
    napi_throw_range_error(env, NULL, "cpu-native reduce: x or out is shorter than its sizes");
    return NULL;
  }
  if (d[1] * d[3] == 0) return NULL;
  const Quiet none = {0};
  return finish(env, "reduce", &none, reduce((int)kind, x, d[0], d[1], d[2], d[3], out));
}

// Reads argv[from..] into `count` floats (each rounded from the double, as Math.fround does).
static int scalars(napi_env env, const napi_value *argv, float *out, int count) {
  for (int i = 0; i < count; i++) {
    double d;
    if (napi_get_value_double(env, argv[i], &d) != napi_ok) return 0;
    out[i] = (float)d;
  }
  return 1;
}

// Float32Arrays argv[0..count) (NULL where null and `nullable` has bit i), all of one length.
static int same_arrays(napi_env env, const napi_value *argv, float **out, int count, int nullable,
                       size_t *n) {
  for (int i = 0; i < count; i++) {
    napi_valuetype t;
    napi_typeof(env, argv[i], &t);
    out[i] = NULL;
    if (t == napi_null && (nullable >> i & 1)) continue;
    size_t len;
    if (!f32(env, argv[i], &out[i], &len)) return 0;
    if (i == 0) *n = len;
    if (len != *n) {
      napi_throw_range_error(env, NULL, "cpu-native: the optimizer's arrays differ in length");
      return 0;
    }
  }
  return 1;
}

// An optimizer step's arguments: `arrays` Float32Arrays of one length (those in `nullable`
// may be null), then `numbers` numbers; 0 after throwing.
static int step_args(napi_env env, napi_callback_info info, const char *what, int arrays,
                     int nullable, int numbers, float **a, float *f, size_t *n) {
  size_t argc = 16;
  napi_value argv[16];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if ((int)argc != arrays + numbers || !scalars(env, argv + arrays, f, numbers)) {
    napi_throw_type_error(env, NULL, what);
    return 0;
  }
  return same_arrays(env, argv, a, arrays, nullable, n);
}

// sgd(param, grad, buffer, negLr, momentum, weightDecay, damp, undamped, nesterov, maximize)
static napi_value Sgd(napi_env env, napi_callback_info info) {
  float *a[3], f[7];
  size_t n = 0;
  if (!step_args(env, info, "cpu-native sgd: expected 3 arrays and 7 numbers", 3, 4, 7, a, f, &n))
    return NULL;
  SgdArgs s = {f[0], f[1], f[2], f[3], f[4] != 0, f[5] != 0, f[6] != 0};
  sgd_step(&s, a[0], a[1], a[2], (int64_t)n);
  return NULL;
}

// adam(param, grad, expAvg, expAvgSq, maxExpAvgSq, negStep, beta1, beta2, keep1, keep2,
//      weightDecay, decay, eps, bc2, decayed, maximize)
static napi_value Adam(napi_env env, napi_callback_info info) {
  float *a[5], f[11];
  size_t n = 0;
  if (!step_args(env, info, "cpu-native adam: expected 5 arrays and 11 numbers", 5, 16, 11, a, f, &n))
    return NULL;
  AdamArgs s = {f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9] != 0, f[10] != 0};
  adam_step(&s, a[0], a[1], a[2], a[3], a[4], (int64_t)n);
  return NULL;
}

// Float32Arrays argv[0..count) whose lengths are want[i]; 0 after throwing.
static int sized_arrays(napi_env env, const napi_value *argv, float **out, const double *want,
                        int count, const char *op) {
  for (int i = 0; i < count; i++) {
    size_t len;
    if (!f32(env, argv[i], &out[i], &len)) return 0;
    if ((double)len != want[i]) {
      char msg[96];
      snprintf(msg, sizeof msg, "cpu-native %s: array %d's length does not match [n, c, s]", op, i);
      napi_throw_range_error(env, NULL, msg);
      return 0;
    }
  }
  return 1;
}

// The n, c, s at argv[0..3); 0 after throwing.
static int ncs(napi_env env, const napi_value *argv, int64_t *d, const char *op) {
  if (arg_int(env, argv[0], &d[0]) && arg_int(env, argv[1], &d[1]) && arg_int(env, argv[2], &d[2]))
    return 1;
  char msg[96];
  snprintf(msg, sizeof msg, "cpu-native %s: n, c and s must be whole numbers in [0, 2^31)", op);
  napi_throw_range_error(env, NULL, msg);
  return 0;
}

// batchNorm(n, c, s, eps, x, weight, bias, out, mean, invstd)
static napi_value BatchNorm(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t d[3];
  double eps;
  if (argc != 10 || napi_get_value_double(env, argv[3], &eps) != napi_ok) {
    napi_throw_type_error(env, NULL, "cpu-native batchNorm: expected n, c, s, eps and 6 arrays");
    return NULL;
  }
  if (!ncs(env, argv, d, "batchNorm")) return NULL;
  double all = (double)d[0] * d[1] * d[2], c = (double)d[1];
  const double want[6] = {all, c, c, all, c, c};
  float *a[6];
  if (!sized_arrays(env, argv + 4, a, want, 6, "batchNorm")) return NULL;
  const Quiet none = {0};
  return finish(env, "batchNorm", &none, batch_norm(a[0], a[1], a[2], eps, d[0], d[1], d[2], a[3], a[4], a[5]));
}

// batchNormBackward(n, c, s, grad, x, mean, invstd, weight, dx, dweight, dbias)
static napi_value BatchNormBackward(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t d[3];
  if (argc != 11) {
    napi_throw_type_error(env, NULL, "cpu-native batchNormBackward: expected n, c, s and 8 arrays");
    return NULL;
  }
  if (!ncs(env, argv, d, "batchNormBackward")) return NULL;
  double all = (double)d[0] * d[1] * d[2], c = (double)d[1];
  const double want[8] = {all, all, c, c, c, all, c, c};
  float *a[8];
  if (!sized_arrays(env, argv + 3, a, want, 8, "batchNormBackward")) return NULL;
  int status = batch_norm_backward(a[0], a[1], a[2], a[3], a[4], d[0], d[1], d[2], a[5], a[6], a[7]);
  const Quiet none = {0};
  return finish(env, "batchNormBackward", &none, status);
}

static napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t n = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc == 1 && arg_int(env, argv[0], &n) && n > 0) {
    blas_set_threads(n < 1024 ? (int)n : 1024);
  }
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  blas_load();
  heap = heap_tune();
  napi_property_descriptor d[] = {
      {"info", 0, Info, 0, 0, 0, napi_default, 0},
      {"sgemm", 0, Sgemm, 0, 0, 0, napi_default, 0},
      {"sgemmBatch", 0, SgemmBatch, 0, 0, 0, napi_default, 0},
      {"conv", 0, Conv, 0, 0, 0, napi_default, 0},
      {"eltwise", 0, Eltwise, 0, 0, 0, napi_default, 0},
      {"sgd", 0, Sgd, 0, 0, 0, napi_default, 0},
      {"adam", 0, Adam, 0, 0, 0, napi_default, 0},
      {"batchNorm", 0, BatchNorm, 0, 0, 0, napi_default, 0},
      {"batchNormBackward", 0, BatchNormBackward, 0, 0, 0, napi_default, 0},
      {"reduce", 0, Reduce, 0, 0, 0, napi_default, 0},
      {"maxPool", 0, MaxPool, 0, 0, 0, napi_default, 0},
      {"maxPoolBackward", 0, MaxPoolBackward, 0, 0, 0, napi_default, 0},
      {"setNumThreads", 0, SetNumThreads, 0, 0, 0, napi_default, 0},
  };
  napi_define_properties(env, exports, sizeof d / sizeof d[0], d);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
