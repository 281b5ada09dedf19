// The output is computed a tile at a time: a few output channels x a few rows x one vector
// of columns, in registers, each window value read once for all the tile's channels. Every
// image is first copied into a zero-bordered buffer whose rows are wide enough for whole
// vectors, so the inner loop has no bounds to check, and walks one list of window offsets
// (c, kh, kw flattened) with the weights packed beside it, a tile's channels to a tap. The
// tile kernel (direct_tile.h) is built for AVX-512 and for AVX2, each with
// its own vector width and tile shape (a 16-float vector lowered to AVX2 ran 50x slower), and
// the one for the CPU at hand runs. Sums are contracted into FMAs here (the elementwise
// kernels are not, to match the other tiers bit for bit; a convolution's order of sums
// differs between tiers anyway).
#pragma GCC optimize("fp-contract=fast")
#pragma GCC diagnostic ignored "-Wpsabi"
#include "direct.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

// Windows of more values than this go to im2col + GEMM (products deep enough to run well),
// and so do windows up to DEEP_WINDOW unless the layer has at most NARROW output channels:
// a GEMM only 16 columns wide ran LeNet's second layer (150-value windows) at half the speed.
#define MAX_WINDOW 32
#define DEEP_WINDOW 512
#define NARROW 16

#define MAX_TASKS 64

typedef struct {
  const ConvGeom *g;
  const float *x, *bias, *gy;  // gy: the output gradient, for the weight gradient
  float *y;
  const float *packed;  // forward: [o blocks][taps][ob] weights, zeros past the last channel
  float *dw[MAX_TASKS];  // weight gradient: each task's lane sums [o, k, v]
  const int64_t *taps;  // each window value's offset in the padded image
  int64_t k, pw, ph;    // taps; the padded image's row width and height
  int64_t gw;           // the padded output gradient's row width (whole vectors)
  int tasks, failed;
  const struct Variant *variant;
} Job;

typedef void (*TileFn)(const Job *j, const float *pad, int64_t o0, int ob, int64_t y0, int rb,
                       int64_t x0, float *y);

typedef void (*WeightsFn)(const Job *j, const float *pad, const float *gy, int64_t o0, int ob,
                          int64_t t0, int tb, float *dw);

typedef struct Variant {
  int v, ob, rb, wob, wtb;
  TileFn forward;
  WeightsFn weights;
} Variant;

#if defined(__x86_64__) && defined(__GNUC__)
#define TILE tile_avx512
#define TILE_V 16
#define TILE_OB 8
#define TILE_RB 3
#ifndef W5OB
#define W5OB 4
#define W5TB 6
#endif
#define TILE_WOB W5OB
#define TILE_WTB W5TB
#define TILE_TARGET __attribute__((target("avx512f")))
#include "direct_tile.h"
#define TILE tile_avx2
#define TILE_V 8
#define TILE_OB 4
#define TILE_RB 3
#define TILE_WOB 2
#define TILE_WTB 5
#define TILE_TARGET __attribute__((target("avx2,fma")))
#include "direct_tile.h"
#endif

// The widest the CPU runs, or NULL where it has neither (SSE alone ran the tile 2x slower
// than im2col + GEMM); TENSILE_NATIVE_ISA=avx2 takes AVX2 where AVX-512 is there too (the
// tests run both on machines that have AVX-512), and =none leaves convolution to im2col.
static const Variant *pick(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  static const Variant avx512 = {16, 8, 3, W5OB, W5TB, tile_avx512_forward, tile_avx512_weights};
  static const Variant avx2 = {8, 4, 3, 2, 5, tile_avx2_forward, tile_avx2_weights};
  const char *want = getenv("TENSILE_NATIVE_ISA");
  if (want && strcmp(want, "none") == 0) return NULL;
  __builtin_cpu_init();
  if (!(want && strcmp(want, "avx2") == 0) && __builtin_cpu_supports("avx512f")) return &avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return &avx2;
#endif
  return NULL;
}

static const Variant *chosen;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void choose(void) { chosen = pick(); }

static const Variant *variant(void) {
  pthread_once(&once, choose);
  return chosen;
}

const char *direct_isa(void) {
  const Variant *v = variant();
  return !v ? "" : v->v == 16 ? "avx512" : "avx2";
}

int direct_fits(const ConvGeom *g) {
  int64_t window = g->c * g->kh * g->kw;
  int shallow = window <= MAX_WINDOW || (window <= DEEP_WINDOW && g->o <= NARROW);
  return variant() && g->sw == 1 && shallow && g->ow >= 8;
}



// Images [n0, n1), padded one at a time into `pad`: their outputs, or their terms of the
// weight gradient into dw.
static void images(const Job *j, int64_t n0, int64_t n1, float *pad, float *gpad, float *dw) {
  const ConvGeom *g = j->g;
  const Variant *v = j->variant;
  int64_t image = g->c * g->h * g->w, outs = g->o * g->oh * g->ow;
  for (int64_t i = n0; i < n1; i++) {
    const float *x = j->x + i * image;
    memset(pad, 0, g->c * j->ph * j->pw * sizeof(float));
    for (int64_t c = 0; c < g->c; c++)
      for (int64_t r = 0; r < g->h; r++)
        memcpy(pad + (c * j->ph + r + g->ph) * j->pw + g->pw, x + (c * g->h + r) * g->w,
               g->w * sizeof(float));
    if (dw) {
      // The output gradient with rows of whole vectors, so the tile loads the last one
      // without reading past the array (the tails stay the zeros they were allocated as).
      const float *gy = j->gy + i * outs;
      for (int64_t r = 0; r < g->o * g->oh; r++)
        memcpy(gpad + r * j->gw, gy + r * g->ow, g->ow * sizeof(float));
      for (int64_t o0 = 0; o0 < g->o; o0 += v->wob)
        for (int64_t t0 = 0; t0 < j->k; t0 += v->wtb) {
          int ob = g->o - o0 < v->wob ? (int)(g->o - o0) : v->wob;
          int tb = j->k - t0 < v->wtb ? (int)(j->k - t0) : v->wtb;
          v->weights(j, pad, gpad, o0, ob, t0, tb, dw);
        }
      continue;
    }
    float *y = j->y + i * outs;
    for (int64_t o0 = 0; o0 < g->o; o0 += v->ob) {
      int ob = g->o - o0 < v->ob ? (int)(g->o - o0) : v->ob;
      for (int64_t y0 = 0; y0 < g->oh; y0 += v->rb) {
        int rb = g->oh - y0 < v->rb ? (int)(g->oh - y0) : v->rb;
        for (int64_t x0 = 0; x0 < g->ow; x0 += v->v) v->forward(j, pad, o0, ob, y0, rb, x0, y);
      }
    }
  }
}

static void task(void *arg, int t) {
  Job *j = arg;
  int64_t n0 = j->g->n * t / j->tasks, n1 = j->g->n * (t + 1) / j->tasks;
  float *pad = malloc(j->g->c * j->ph * j->pw * sizeof(float));
  float *dw = j->gy ? calloc(j->g->o * j->k * j->variant->v, sizeof(float)) : NULL;
  float *gpad = j->gy ? calloc(j->g->o * j->g->oh * j->gw, sizeof(float)) : NULL;
  if (!pad || (j->gy && (!dw || !gpad))) {
    free(pad);
    free(dw);
    free(gpad);
    j->failed = 1;
    return;
  }
  images(j, n0, n1, pad, gpad, dw);
  j->dw[t] = dw;
  free(pad);
  free(gpad);
}

// Runs the job's images on up to `threads` threads, after laying out the padded image: rows
// reach past the last output column to whole vectors, and the last tile's rows past the
// plane, so it is wide and tall enough for both, and holds the whole image.
static int run(Job *j, int threads) {
  const ConvGeom *g = j->g;
  const Variant *v = j->variant = variant();
  int64_t rb = v->rb;
  j->gw = (g->ow + v->v - 1) / v->v * v->v;
  j->pw = j->gw + (g->kw - 1) * g->dw;
  j->ph = ((g->oh + rb - 1) / rb * rb - 1) * g->sh + (g->kh - 1) * g->dh + 1;
  if (j->pw < g->w + 2 * g->pw) j->pw = g->w + 2 * g->pw;
  if (j->ph < g->h + 2 * g->ph) j->ph = g->h + 2 * g->ph;
  j->k = g->c * g->kh * g->kw;
  int64_t *taps = malloc(j->k * sizeof(int64_t));
  if (!taps) return -1;
  for (int64_t c = 0, t = 0; c < g->c; c++)
    for (int64_t kh = 0; kh < g->kh; kh++)
      for (int64_t kw = 0; kw < g->kw; kw++, t++)
        taps[t] = (c * j->ph + kh * g->dh) * j->pw + kw * g->dw;
  j->taps = taps;
  j->tasks = threads < g->n ? threads : (int)g->n;
  if (j->tasks > MAX_TASKS) j->tasks = MAX_TASKS;
  if (j->tasks < 1) j->tasks = 1;
  if (j->tasks == 1) task(j, 0);
  else pool_run(j->tasks, j->tasks, task, j);
  free(taps);
  return j->failed ? -1 : 0;
}

int direct_forward(const ConvGeom *g, const float *x, const float *w, const float *bias, float *y,
                   int threads) {
  const Variant *v = variant();
  int64_t k = g->c * g->kh * g->kw, ob = v->ob, blocks = (g->o + ob - 1) / ob;
  float *packed = calloc(blocks * k * ob, sizeof(float));
  if (!packed) return -1;
  for (int64_t o = 0; o < g->o; o++)
    for (int64_t t = 0; t < k; t++) packed[((o / ob) * k + t) * ob + o % ob] = w[o * k + t];
  Job j = {.g = g, .x = x, .bias = bias, .y = y, .packed = packed};
  int status = run(&j, threads);
  free(packed);
  return status;
}

int direct_weight_grad(const ConvGeom *g, const float *x, const float *gy, float *dw,
                       int threads) {
  Job j = {.g = g, .x = x, .gy = gy};
  int status = run(&j, threads);
  int64_t total = g->o * g->c * g->kh * g->kw;
  int v = j.variant->v;
  for (int64_t i = 0; i < total && !status; i++) {
    double s = 0;
    for (int t = 0; t < j.tasks; t++)
      for (int l = 0; l < v; l++) s += j.dw[t][i * v + l];
    dw[i] = (float)s;
  }
  for (int t = 0; t < j.tasks; t++) free(j.dw[t]);
  return status;
}
