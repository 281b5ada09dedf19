// Shared declarations of the WebAssembly kernels. A kernel call is a task record in this
// module's memory, so the calling thread and the worker threads run the same records.
#ifndef TENSILE_KERNELS_H
#define TENSILE_KERNELS_H
#include <wasm_simd128.h>

enum { OP_GEMM = 1, OP_CONV_FORWARD = 2, OP_CONV_INPUT_GRAD = 3, OP_CONV_WEIGHT_GRAD = 4, OP_MAX_POOL = 5, OP_ELTWISE = 6, OP_SGD = 7, OP_ADAM = 8,
       OP_SOFTMAX = 9, OP_REDUCE = 10, OP_AVG_POOL = 11, OP_AVG_POOL_BACKWARD = 12,
       OP_LSTM_CELL = 13, OP_LSTM_CELL_BACKWARD = 14 };

// The first i in [0, count) with start + i * step >= 0 (count if none): the first output
// position, or kernel offset, whose input position lies past the top or left border.
static inline int first_in(int start, int step, int count) {
  if (start >= 0) return 0;
  int i = (-start + step - 1) / step;
  return i < count ? i : count;
}

// One past the last i < count with start + i * step < size (0 if none). Positions wholly
// inside skip the division: at one per pooling window it cost more than the pooling.
static inline int end_in(int start, int step, int count, int size) {
  int room = size - 1 - start;
  if (room >= (count - 1) * step) return count;
  return room < 0 ? 0 : room / step + 1;
}

// The four float32 lanes of v added, as doubles, to (lo, hi): sums kept in double.
static inline void widen(v128_t v, v128_t *lo, v128_t *hi) {
  *lo = wasm_f64x2_add(*lo, wasm_f64x2_promote_low_f32x4(v));
  *hi = wasm_f64x2_add(*hi, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)));
}

// Task records are TASK_WORDS 32-bit words; the layout is mirrored in src/cpu/wasm/tasks.ts.
#define TASK_WORDS 16

typedef struct {
  int op;
  const float *a;
  int rsa, csa;
  const float *b;
  int rsb, csb;
  float *c;
  int ldc;
  int m0, m1, n0, n1, k0, k1;
} GemmTask;

void gemm_block(const GemmTask *t, float *ws);
void gemm(const float *A, int rsa, int csa, const float *B, int rsb, int csb, float *C, int ldc,
          int m0, int m1, int n0, int n1, int k0, int k1, int acc, float *ws);
void gemm_nt(const float *A, int lda, const float *B, int ldb, float *C, int ldc, int m, int n,
             int depth, int acc);

// A convolution's shape: input [C, H, W] per image, weight [O, C, kh, kw], output [O, oh, ow].
typedef struct {
  int c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow;
} ConvGeom;

// Images [n0, n1) of one convolution kernel, with this task's own column buffer.
// Forward: x image, w weight, bias (or 0), y output. Input grad: x output grad, w weight,
// y input grad. Weight grad: x image, w output grad, y this task's partial weight grad.
typedef struct {
  int op;
  const ConvGeom *g;
  const float *x, *w, *bias;
  float *y, *cols;
  int n0, n1;
} ConvTask;

void conv_task(const ConvTask *t, float *ws);

// Max pooling over planes [p0, p1) of x: each window's max (into values, unless 0) and its
// index into its H*W plane, stored as a double (int64 tensors live in Float64Arrays).
// g's o is unused.
typedef struct {
  int op;
  const ConvGeom *g;
  const float *x;
  double *idx;
  float *values;
  int p0, p1;
} PoolTask;

void max_pool_task(const PoolTask *t);

// Average pooling of planes [p0, p1): x [planes, h, w] to y [planes, oh, ow], or for its
// gradient x [planes, oh, ow] to y [planes, h, w]. divisor is divisor_override (0 for none);
// g's dilation is 1 and its o unused.
typedef struct {
  int op;
  const ConvGeom *g;
  const float *x;
  float *y;
  int p0, p1;
  int include_pad;
  float divisor;
} AvgPoolTask;

void avg_pool_task(const AvgPoolTask *t);

// Elementwise float32 ops (src/cpu/wasm/eltwise.ts names them by these numbers).
enum {
  ELT_ADD = 0,
  ELT_SUB = 1,
  ELT_MUL = 2,
  ELT_DIV = 3,
  ELT_MAXIMUM = 4,
  ELT_MINIMUM = 5,
  ELT_RELU = 6,
  ELT_RELU_BACKWARD = 7,
  ELT_SQRT = 8,
  ELT_ABS = 9,
  ELT_EXP = 10,
  ELT_LOG = 11,
  ELT_TANH = 12,
  ELT_SIGMOID = 13
};

// out[i] = op(a[i], b[i]) (b[0] when b_step is 0, b[i % b_len] when it is 2: a row repeated,
// with i0 a multiple of b_len; b unused by unary ops) for i in [i0, i1).
typedef struct {
  int op;
  int elt;
  const float *a, *b;
  float *out;
  int b_step;
  int i0, i1;
  int b_len;
} EltTask;

void eltwise_task(const EltTask *t);

// One SGD step over elements [i0, i1) (multiples of 4) of p, with gradient g and momentum
// buffer b (0 without momentum).
typedef struct {
  int op;
  float *p;
  const float *g;
  float *b;
  float neg_lr, momentum, weight_decay, damp;
  int undamped, nesterov, maximize;
  int i0, i1;
} SgdTask;

void sgd_task(const SgdTask *t);

// One Adam/AdamW step over [i0, i1): p, g, the moment averages m and v, and v's running max
// (0 without amsgrad). neg_step = -lr / (1 - beta1^step), bc2 = sqrt(1 - beta2^step); decay is
// AdamW's factor on p where decayed.
typedef struct {
  int op;
  float *p;
  const float *g;
  float *m, *v, *vmax;
  float neg_step, beta1, beta2, keep1, keep2, weight_decay, decay, eps, bc2;
  int decayed, maximize;
  int i0, i1;
} AdamTask;

void adam_task(const AdamTask *t);

// softmax (log_softmax where `log`) of x, dense [outer, n, inner], along n, for the outer
// indices [o0, o1).
typedef struct {
  int op;
  int log;
  const float *x;
  float *out;
  int n, inner;
  int o0, o1;
} SoftmaxTask;

void softmax_task(const SoftmaxTask *t);

enum { RED_SUM = 0, RED_MAX = 1, RED_MIN = 2 };

// Reduces dense x [outer, rows, n, inner] along outer and n into out [rows, inner]: sums with
// double totals (reduce.c), max and min by torch's rule (a NaN wins).
typedef struct {
  int op;
  int kind;
  const float *x;
  double *out;
  int outer, rows, n, inner;
} ReduceTask;

void reduce_task(const ReduceTask *t);

// The LSTM cell over rows [r0, r1) of `hidden` units (lstm.c), dense operands. Forward: a, b
// the input and hidden gates [rows, 4 hidden], c the cell state [rows, hidden]; out0 = hy,
// out1 = cy, out2 = the activated gates (the workspace). Backward: a, b the gradients of hy
// and cy (0 for zeros), act the workspace, c and cy the cell states; out0 the gates'
// gradient, out1 c's.
typedef struct {
  int op;
  const float *a, *b, *c, *act, *cy;
  float *out0, *out1, *out2;
  int hidden;
  int r0, r1;
} LstmTask;

void lstm_task(const LstmTask *t);

#endif
