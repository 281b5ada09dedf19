/**
 * Native CPU kernels for Tensile. @tensile/tensor loads this package when it is installed and
 * its addon was built (`npm install` builds it where a C compiler is present; see README), and
 * the CPU backend then runs its float32 matrix products and convolutions on the system's
 * oneDNN or OpenBLAS.
 * Nothing here needs importing by hand; `load()` is for tools and tests.
 */
import { createRequire } from 'node:module';

/** Which library the addon found (null: neither, and Tensile keeps its WASM kernels). */
export interface NativeInfo {
  /** 'onednn' or 'openblas'. */
  blas: string | null;
  /** The shared library loaded, e.g. 'libdnnl.so.2'. */
  library: string | null;
  /** oneDNN's version, or OpenBLAS's core type ('core Haswell'). */
  detail: string | null;
  /** The vector kernels' instruction set ('avx512', 'avx2'; null: none, im2col + GEMM only). */
  isa: string | null;
  /**
   * How the addon tuned malloc when it loaded (glibc's mmap and trim thresholds, so that freed
   * tensor memory is reused rather than faulted in anew); null where it left malloc alone
   * (not glibc, or GLIBC_TUNABLES, MALLOC_*_ or TENSILE_NATIVE_HEAP set).
   */
  heap: string | null;
  /** The contract's number (TENSILE_NATIVE_ABI); @tensile/tensor loads only the one it knows. */
  abi: number;
}

/** The addon's functions: the contract @tensile/tensor's CPU backend calls. */
export interface NativeKernels {
  info(): NativeInfo;
  /**
   * Row-major C[m, n] = alpha * op(A)[m, k] op(B)[k, n] + beta * C, each matrix at an element
   * offset into its Float32Array with its leading dimension; transA/transB 1 for the transpose.
   */
  sgemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    aOffset: number,
    lda: number,
    b: Float32Array,
    bOffset: number,
    ldb: number,
    beta: number,
    c: Float32Array,
    cOffset: number,
    ldc: number,
  ): void;
  /**
   * One call for a batch of products: C[t] = op(A at aStarts[t]) op(B at bStarts[t]), with C
   * dense [aStarts.length, m, n].
   */
  sgemmBatch(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    aStarts: Float64Array,
    lda: number,
    b: Float32Array,
    bStarts: Float64Array,
    ldb: number,
    c: Float32Array,
  ): void;
  /**
   * Convolution (groups 1) on dense NCHW arrays; `geometry` is [n, c, h, w, outChannels, kh,
   * kw, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW].
   * kind 0, forward: a = images, b = weight [o, c, kh, kw], bias [o] or null, out = output;
   * kind 1, input gradient: a = output gradient, b = weight, out = the images' gradient;
   * kind 2, weight gradient: a = images, b = output gradient, out = the weight's gradient.
   */
  conv(
    kind: 0 | 1 | 2,
    geometry: readonly number[],
    a: Float32Array,
    b: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
  ): void;
  /**
   * out = op(a, b) over out's length, op numbered as the WebAssembly kernels' ELT_* (0 add,
   * 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum, 6 relu, 7 reluBackward, 8 sqrt, 9 abs); b is
   * null for the unary ops (6, 8, 9), else as long as out (bStep 1), one value (bStep 0), or
   * one row repeated over out (bStep 2; its length divides out's: a bias on every row).
   */
  eltwise(
    op: number,
    out: Float32Array,
    a: Float32Array,
    b: Float32Array | null,
    bStep: 0 | 1 | 2,
  ): void;
  /**
   * torch.optim.SGD's update in place, each operation rounded to float32 (the scalars too):
   * param, grad and the momentum buffer (or null) of one length.
   */
  sgd(
    param: Float32Array,
    grad: Float32Array,
    buffer: Float32Array | null,
    negLr: number,
    momentum: number,
    weightDecay: number,
    damp: number,
    undamped: number,
    nesterov: number,
    maximize: number,
  ): void;
  /**
   * torch.optim.Adam's (and AdamW's) update in place, likewise: negStep is -lr / (1 - beta1^t),
   * bc2 sqrt(1 - beta2^t), keep1 and keep2 1 - beta1 and 1 - beta2, decay AdamW's 1 - lr * wd.
   */
  adam(
    param: Float32Array,
    grad: Float32Array,
    expAvg: Float32Array,
    expAvgSq: Float32Array,
    maxExpAvgSq: Float32Array | null,
    negStep: number,
    beta1: number,
    beta2: number,
    keep1: number,
    keep2: number,
    weightDecay: number,
    decay: number,
    eps: number,
    bc2: number,
    decayed: number,
    maximize: number,
  ): void;
  /**
   * Training-mode batch norm of a dense [n, c, s] float32 x: out, and mean and invstd [c]
   * (1 / sqrt(biased variance + eps)), with sums in double.
   */
  batchNorm(
    n: number,
    c: number,
    s: number,
    eps: number,
    x: Float32Array,
    weight: Float32Array,
    bias: Float32Array,
    out: Float32Array,
    mean: Float32Array,
    invstd: Float32Array,
  ): void;
  /** Its gradient into dx [n, c, s], dweight and dbias [c]. */
  batchNormBackward(
    n: number,
    c: number,
    s: number,
    grad: Float32Array,
    x: Float32Array,
    mean: Float32Array,
    invstd: Float32Array,
    weight: Float32Array,
    dx: Float32Array,
    dweight: Float32Array,
    dbias: Float32Array,
  ): void;
  /**
   * out [rows, inner] = the sum (kind 0), max (1) or min (2) of dense x [outer, rows, n, inner]
   * along outer and n, in the WebAssembly kernel's order (sums in double): the same bits.
   */
  reduce(
    kind: number,
    x: Float32Array,
    outer: number,
    rows: number,
    n: number,
    inner: number,
    out: Float32Array,
  ): void;
  /**
   * Max pooling of dense x [n, c, h, w] by `geometry` (as conv's, o unused) into idx [n, c,
   * oh, ow] (indices into each input plane, whole numbers) and values (or null), by PyTorch's
   * rules: the first maximum in row-major order, the last NaN where there is one.
   */
  maxPool(
    geometry: number[],
    x: Float32Array,
    idx: Float64Array,
    values: Float32Array | null,
  ): void;
  /** out [n, c, h, w] = grad [n, c, oh, ow] added at idx; throws where an index is out of its plane. */
  maxPoolBackward(
    geometry: number[],
    grad: Float32Array,
    idx: Float64Array,
    out: Float32Array,
  ): void;
  /** The thread count for products big enough to share (OpenMP's for oneDNN). */
  setNumThreads(n: number): void;
}

let cached: NativeKernels | null | undefined;
let failure: string | undefined;

/** The built addon with a BLAS behind it, or null (see `loadError()` for why). */
export function load(): NativeKernels | null {
  if (cached !== undefined) return cached;
  try {
    const addon = createRequire(import.meta.url)('../build/tensile_native.node') as NativeKernels;
    cached = addon.info().blas ? addon : null;
    if (!cached) failure = 'neither oneDNN (libdnnl) nor OpenBLAS (libopenblas) is installed';
  } catch (e) {
    cached = null;
    failure = `the addon is not built (${(e as Error).message.split('\n')[0]})`;
  }
  return cached;
}

/** Why `load()` gave null. */
export function loadError(): string | undefined {
  load();
  return failure;
}
