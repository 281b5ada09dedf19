// Convolution as im2col + GEMM, a run of images at a time: the column matrix [c*kh*kw, run *
// oh*ow] holds each image's columns side by side, so that small planes (a ResNet's 4x4 and 1x1
// stages) still make one wide product. A run of one image writes its product straight into
// the NCHW output. Where the batch has columns enough, each thread takes a share of the images
// with its own column buffer and single-threaded products: built and multiplied on one core,
// the columns stay in that core's cache (one thread building columns that two threads then
// read ran 2.2x slower than on one thread alone).
#include "conv.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "direct.h"
#include "pool.h"

// Columns per product to aim for, and the most column buffer a run may hold: on one thread,
// about what a core's cache keeps; shared, a wide product.
#define RUN_COLUMNS 4096
#define SHARED_COLS_BYTES ((int64_t)32 << 20)
#define OWN_COLS_BYTES ((int64_t)1 << 20)
// Each thread's share of a batch must have this many columns to split it.
#define SPLIT_COLUMNS 256
#define MAX_SCRATCH_FLOATS 68719476736.0
#define MAX_TASKS 64

// The output plane is taken as given ('same' padding pads one side less): every window
// position is bounded against the image as it is read, so any plane is safe.
const char *conv_check(const ConvGeom *g) {
  const int64_t *v = &g->n;
  for (int i = 0; i < 15; i++)
    if (v[i] < 0 || v[i] > INT32_MAX) return "sizes must be whole numbers in [0, 2^31)";
  if (g->kh < 1 || g->kw < 1 || g->sh < 1 || g->sw < 1 || g->dh < 1 || g->dw < 1)
    return "kernel, stride and dilation must be at least 1";
  // One image's columns and outputs must fit in scratch (and every size product in int64).
  if (((double)g->c * g->kh * g->kw + g->o) * g->oh * g->ow > MAX_SCRATCH_FLOATS)
    return "one image's column matrix would pass 2^36 values";
  return NULL;
}

// One image's column block, rows of ld floats: gather copies image values in (zeros where a
// window hangs over the border); otherwise the columns are added back into the image.
static void walk(const ConvGeom *g, float *img, float *cols, int64_t ld, int gather) {
  int64_t row = 0;
  for (int64_t c = 0; c < g->c; c++) {
    float *src = img + c * g->h * g->w;
    for (int64_t ki = 0; ki < g->kh; ki++) {
      int64_t y0 = ki * g->dh - g->ph;
      int64_t ylo = first_in(y0, g->sh, g->oh), yhi = at_least(ylo, end_in(y0, g->sh, g->oh, g->h));
      for (int64_t kj = 0; kj < g->kw; kj++, row++) {
        int64_t x0 = kj * g->dw - g->pw;
        int64_t xlo = first_in(x0, g->sw, g->ow), xhi = at_least(xlo, end_in(x0, g->sw, g->ow, g->w));
        float *d = cols + row * ld;
        for (int64_t oy = 0; oy < g->oh; oy++, d += g->ow) {
          int inside = oy >= ylo && oy < yhi;
          if (!gather) {
            float *s = inside ? src + (oy * g->sh + y0) * g->w + x0 : NULL;
            if (inside)
              for (int64_t ox = xlo; ox < xhi; ox++) s[ox * g->sw] += d[ox];
            continue;
          }
          if (!inside) {
            memset(d, 0, g->ow * sizeof(float));
            continue;
          }
          float *s = src + (oy * g->sh + y0) * g->w + x0;
          for (int64_t ox = 0; ox < xlo; ox++) d[ox] = 0;
          if (g->sw == 1)
            for (int64_t ox = xlo; ox < xhi; ox++) d[ox] = s[ox];
          else
            for (int64_t ox = xlo; ox < xhi; ox++) d[ox] = s[ox * g->sw];
          for (int64_t ox = xhi; ox < g->ow; ox++) d[ox] = 0;
        }
      }
    }
  }
}

// Planes up to this size are walked through a table of each window position's offset in the
// plane (-1 outside): their rows are a few values long, where walk's per-row bounds cost more
// than the copies (a ResNet's 2x2 and 1x1 stages: 295,000 values in runs of 4 or 1; the
// conv forward on 2x2 planes went from 2.8 to 1.0 ms, on 1x1 from 2.3 to 0.8).
#define SMALL_PLANE 64

// The table: for each kernel tap and output position, its offset into the image plane or -1.
static void offsets(const ConvGeom *g, int32_t *table) {
  for (int64_t ki = 0; ki < g->kh; ki++)
    for (int64_t kj = 0; kj < g->kw; kj++)
      for (int64_t oy = 0; oy < g->oh; oy++)
        for (int64_t ox = 0; ox < g->ow; ox++) {
          int64_t iy = oy * g->sh - g->ph + ki * g->dh, ix = ox * g->sw - g->pw + kj * g->dw;
          int inside = iy >= 0 && iy < g->h && ix >= 0 && ix < g->w;
          *table++ = inside ? (int32_t)(iy * g->w + ix) : -1;
        }
}

// walk over a run of r images through the table.
static void walk_small(const ConvGeom *g, const int32_t *table, float *imgs, int64_t r,
                       float *cols, int64_t ld, int gather) {
  int64_t plane = g->oh * g->ow, taps = g->kh * g->kw, hw = g->h * g->w, image = g->c * hw;
  for (int64_t c = 0; c < g->c; c++)
    for (int64_t t = 0; t < taps; t++) {
      const int32_t *at = table + t * plane;
      float *row = cols + (c * taps + t) * ld;
      for (int64_t i = 0; i < r; i++) {
        float *src = imgs + i * image + c * hw, *d = row + i * plane;
        if (gather)
          for (int64_t p = 0; p < plane; p++) d[p] = at[p] >= 0 ? src[at[p]] : 0.0f;
        else
          for (int64_t p = 0; p < plane; p++)
            if (at[p] >= 0) src[at[p]] += d[p];
      }
    }
}

// Moves a run of images' [o, plane] blocks between NCHW (y) and side by side (t, rows of
// run * plane): to_nchw adds bias (or not) on the way out.
static void shuffle(const ConvGeom *g, int64_t run, float *y, float *t, const float *bias,
                    int to_nchw) {
  int64_t plane = g->oh * g->ow, ld = run * plane;
  for (int64_t i = 0; i < run; i++)
    for (int64_t o = 0; o < g->o; o++) {
      float *yo = y + (i * g->o + o) * plane, *to = t + o * ld + i * plane;
      if (!to_nchw) {
        memcpy(to, yo, plane * sizeof(float));
        continue;
      }
      float b = bias ? bias[o] : 0.0f;
      for (int64_t p = 0; p < plane; p++) yo[p] = to[p] + b;
    }
}

typedef struct {
  float *data;
  int64_t floats;
} Scratch;

static Scratch scratch[MAX_TASKS], partials[MAX_TASKS];

static float *grow(Scratch *s, int64_t floats) {
  if (floats <= s->floats) return s->data;
  if ((uint64_t)floats > SIZE_MAX / sizeof(float)) return NULL;
  float *p = realloc(s->data, floats * sizeof(float));
  if (!p) return NULL;
  s->data = p;
  s->floats = floats;
  return p;
}

typedef struct {
  int kind, tasks, threads, status;
  const ConvGeom *g;
  const float *a, *b, *bias;
  float *out;
  float *partial[MAX_TASKS];  // each task's weight gradient, task 0's in out
  const int32_t *table;       // walk_small's offsets, for small planes
} Job;

// The column block of a run of r images (gather), or the columns added back into them.
static void columns(const Job *j, float *imgs, int64_t r, float *cols, int64_t ld, int gather) {
  const ConvGeom *g = j->g;
  int64_t plane = g->oh * g->ow, image = g->c * g->h * g->w;
  if (j->table) {
    walk_small(g, j->table, imgs, r, cols, ld, gather);
    return;
  }
  for (int64_t i = 0; i < r; i++) walk(g, imgs + i * image, cols + i * plane, ld, gather);
}

// Images [n0, n1) of the job in runs, on scratch s, with products on `threads` threads
// (0: as big as they are).
static int images(const Job *j, int64_t n0, int64_t n1, Scratch *s, int threads, float *dw) {
  const ConvGeom *g = j->g;
  int64_t plane = g->oh * g->ow, k = g->c * g->kh * g->kw, image = g->c * g->h * g->w;
  int64_t outs = g->o * plane;
  // The image itself is its column matrix only where the output plane is the image's plane.
  int direct = g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->ph == 0 && g->pw == 0 &&
               g->oh == g->h && g->ow == g->w;
  int64_t bytes = threads == 1 ? OWN_COLS_BYTES : SHARED_COLS_BYTES;
  int64_t run = (RUN_COLUMNS + plane - 1) / plane;
  int64_t fit = bytes / ((k + g->o) * plane * (int64_t)sizeof(float));
  if (run > fit) run = fit;
  if (run < 1) run = 1;
  if (run > n1 - n0) run = n1 - n0;
  float *cols = grow(s, (k + g->o) * run * plane);
  if (!cols) return -1;
  float *side = cols + k * run * plane;  // [o, run * plane]: outputs or gradients side by side
  for (int64_t i0 = n0; i0 < n1; i0 += run) {
    int64_t r = n1 - i0 < run ? n1 - i0 : run, ld = r * plane;
    int one = r == 1, status = 0;
    if (j->kind == CONV_INPUT_GRAD) {
      // dcols [k, r * plane] = W^T [k, o] * dY [o, r * plane]
      const float *dy = j->a + i0 * outs;
      if (!one) shuffle(g, r, (float *)dy, side, NULL, 0);
      float *dx = j->out + i0 * image;
      float *dcols = one && direct ? dx : cols;
      status = blas_sgemm(threads, 1, 0, k, ld, g->o, 1, j->b, k, one ? dy : side, ld, 0, dcols, ld);
      if (!(one && direct))
        columns(j, dx, r, cols, ld, 0);
    } else {
      const float *x = j->a + i0 * image;
      const float *c = one && direct ? x : cols;
      if (!(one && direct))
        columns(j, (float *)x, r, cols, ld, 1);
      if (j->kind == CONV_WEIGHT_GRAD) {
        // dW [o, k] += dY [o, r * plane] * cols^T [r * plane, k]
        const float *dy = j->b + i0 * outs;
        if (!one) shuffle(g, r, (float *)dy, side, NULL, 0);
        status = blas_sgemm(threads, 0, 1, g->o, k, ld, 1, one ? dy : side, ld, c, ld, i0 > n0, dw, k);
      } else if (one) {
        float *y = j->out + i0 * outs;
        if (j->bias)
          for (int64_t o = 0; o < g->o; o++)
            for (int64_t p = 0; p < plane; p++) y[o * plane + p] = j->bias[o];
        status = blas_sgemm(threads, 0, 0, g->o, plane, k, 1, j->b, k, c, plane, j->bias != NULL, y, plane);
      } else {
        status = blas_sgemm(threads, 0, 0, g->o, ld, k, 1, j->b, k, c, ld, 0, side, ld);
        shuffle(g, r, j->out + i0 * outs, side, j->bias, 1);
      }
    }
    if (status) return status;
  }
  return 0;
}

static void task(void *arg, int t) {
  Job *j = arg;
  int64_t n0 = j->g->n * t / j->tasks, n1 = j->g->n * (t + 1) / j->tasks;
  int status = images(j, n0, n1, &scratch[t], j->tasks > 1 ? 1 : 0, j->partial[t]);
  if (status) j->status = status;  // any one failure fails the call
}

static int run(int kind, const ConvGeom *g, const float *a, const float *b, const float *bias,
               float *out) {
  int64_t plane = g->oh * g->ow, k = g->c * g->kh * g->kw, image = g->c * g->h * g->w;
  int64_t outs = g->o * plane;
  int64_t total = kind == CONV_FORWARD ? g->n * outs : kind == CONV_INPUT_GRAD ? g->n * image : g->o * k;
  if (g->n == 0 || plane == 0 || k == 0 || g->o == 0) {
    // Empty sums: the output is the bias, or zeros.
    for (int64_t i = 0; i < total; i++) out[i] = kind == CONV_FORWARD && bias ? bias[(i / plane) % g->o] : 0.0f;
    return 0;
  }
  if (kind == CONV_FORWARD && direct_fits(g)) return direct_forward(g, a, b, bias, out, blas_threads());
  if (kind == CONV_WEIGHT_GRAD && direct_fits(g)) return direct_weight_grad(g, a, b, out, blas_threads());
  Job j = {kind, 1, blas_threads(), 0, g, a, b, bias, out, {out}};
  if (blas_concurrent()) {
    int64_t split = g->n * plane / SPLIT_COLUMNS;
    int64_t most = j.threads < g->n ? j.threads : g->n;
    j.tasks = (int)(split < most ? split : most);
    if (j.tasks < 1) j.tasks = 1;
    if (j.tasks > MAX_TASKS) j.tasks = MAX_TASKS;
  }
  int32_t *table = NULL;
  if (plane <= SMALL_PLANE && g->h * g->w <= INT32_MAX) {
    table = malloc(g->kh * g->kw * plane * sizeof(int32_t));
    if (!table) return -1;
    offsets(g, table);
    j.table = table;
  }
  if (kind == CONV_INPUT_GRAD) memset(out, 0, total * sizeof(float));
  for (int t = 1; t < j.tasks && kind == CONV_WEIGHT_GRAD; t++) {
    j.partial[t] = grow(&partials[t], total);
    if (!j.partial[t]) {
      free(table);
      return -1;
    }
  }
  if (j.tasks == 1) task(&j, 0);
  else pool_run(j.tasks, j.tasks, task, &j);
  for (int t = 1; t < j.tasks && kind == CONV_WEIGHT_GRAD && !j.status; t++)
    for (int64_t i = 0; i < total; i++) out[i] += j.partial[t][i];
  free(table);
  return j.status;
}

// Node's worker threads share this addon's scratch and pool: one convolution at a time.
static pthread_mutex_t busy = PTHREAD_MUTEX_INITIALIZER;

int conv_run(int kind, const ConvGeom *g, const float *a, const float *b, const float *bias,
             float *out) {
  pthread_mutex_lock(&busy);
  int status = run(kind, g, a, b, bias, out);
  pthread_mutex_unlock(&busy);
  return status;
}
