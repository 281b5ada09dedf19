// The LSTM cell of PyTorch's fused kernels (_thnn_fused_lstm_cell and its backward), gates in
// torch's order i, f, g, o. A step of nn.LSTM was a dozen elementwise ops over strided views
// of the gates; here it is one pass over rows [r0, r1), and one back.
#include "kernels.h"
#include "vmath.h"

#define ONE wasm_f32x4_splat(1.0f)

// Four lanes, or (lanes 1, a row's tail) one value splat and lane 0 stored back.
static inline v128_t get(const float *p, int lanes) {
  return lanes == 4 ? wasm_v128_load(p) : wasm_f32x4_splat(*p);
}

static inline void put(float *p, v128_t v, int lanes) {
  if (lanes == 4) wasm_v128_store(p, v);
  else *p = wasm_f32x4_extract_lane(v, 0);
}

// Forward at column j of a row: x and h point at the row's gates, n is the hidden size.
static inline void cell(const float *x, const float *h, const float *c, float *hy, float *cy,
                        float *act, int n, int j, int lanes) {
  v128_t i = vsigmoid(wasm_f32x4_add(get(x + j, lanes), get(h + j, lanes)));
  v128_t f = vsigmoid(wasm_f32x4_add(get(x + n + j, lanes), get(h + n + j, lanes)));
  v128_t g = vtanh(wasm_f32x4_add(get(x + 2 * n + j, lanes), get(h + 2 * n + j, lanes)));
  v128_t o = vsigmoid(wasm_f32x4_add(get(x + 3 * n + j, lanes), get(h + 3 * n + j, lanes)));
  v128_t c2 = wasm_f32x4_add(wasm_f32x4_mul(f, get(c + j, lanes)), wasm_f32x4_mul(i, g));
  put(act + j, i, lanes);
  put(act + n + j, f, lanes);
  put(act + 2 * n + j, g, lanes);
  put(act + 3 * n + j, o, lanes);
  put(cy + j, c2, lanes);
  put(hy + j, wasm_f32x4_mul(o, vtanh(c2)), lanes);
}

// Backward at column j: gh, gc (the gradients of hy and cy, each 0 for zeros).
static inline void cell_grad(const float *gh, const float *gc, const float *act, const float *c,
                             const float *cy, float *dg, float *dc, int n, int j, int lanes) {
  v128_t i = get(act + j, lanes), f = get(act + n + j, lanes);
  v128_t g = get(act + 2 * n + j, lanes), o = get(act + 3 * n + j, lanes);
  v128_t zero = wasm_f32x4_splat(0);
  v128_t vgh = gh ? get(gh + j, lanes) : zero, vgc = gc ? get(gc + j, lanes) : zero;
  v128_t t = vtanh(get(cy + j, lanes));
  // dcy = gc + gh o (1 - tanh(cy)^2); each gate's derivative through its activation.
  v128_t d = wasm_f32x4_add(vgc, wasm_f32x4_mul(wasm_f32x4_mul(vgh, o),
                                                wasm_f32x4_sub(ONE, wasm_f32x4_mul(t, t))));
  v128_t di = wasm_f32x4_mul(wasm_f32x4_mul(d, g), wasm_f32x4_mul(i, wasm_f32x4_sub(ONE, i)));
  v128_t df = wasm_f32x4_mul(wasm_f32x4_mul(d, get(c + j, lanes)),
                             wasm_f32x4_mul(f, wasm_f32x4_sub(ONE, f)));
  v128_t dgg = wasm_f32x4_mul(wasm_f32x4_mul(d, i), wasm_f32x4_sub(ONE, wasm_f32x4_mul(g, g)));
  v128_t d_o = wasm_f32x4_mul(wasm_f32x4_mul(vgh, t), wasm_f32x4_mul(o, wasm_f32x4_sub(ONE, o)));
  put(dg + j, di, lanes);
  put(dg + n + j, df, lanes);
  put(dg + 2 * n + j, dgg, lanes);
  put(dg + 3 * n + j, d_o, lanes);
  put(dc + j, wasm_f32x4_mul(d, f), lanes);
}

void lstm_task(const LstmTask *t) {
  int n = t->hidden;
  for (int r = t->r0; r < t->r1; r++) {
    long g4 = (long)r * 4 * n, g1 = (long)r * n;
    for (int j = 0; j < n;) {
      int lanes = j + 4 <= n ? 4 : 1;
      if (t->op == OP_LSTM_CELL) {
        cell(t->a + g4, t->b + g4, t->c + g1, t->out0 + g1, t->out1 + g1, t->out2 + g4, n, j, lanes);
      } else {
        const float *gh = t->a ? t->a + g1 : 0, *gc = t->b ? t->b + g1 : 0;
        cell_grad(gh, gc, t->act + g4, t->c + g1, t->cy + g1, t->out0 + g4, t->out1 + g1, n, j, lanes);
      }
      j += lanes;
    }
  }
}
