import type { DType, TypedArray } from './dtype';
import type { Shape } from './shape';

/**
 * Memory a backend owns: typed arrays on the CPU, textures on gpu.js, a region of WASM memory.
 * Nothing outside the backend touches its contents; `version` counts in-place writes and is
 * shared by every view of the storage (autograd checks it on saved tensors).
 */
export interface Storage {
  readonly backend: Backend;
  readonly dtype: DType;
  readonly size: number;
  version: number;
  /**
   * For a storage that reads another's memory as another dtype (`reinterpret`): that storage,
   * which owns the memory, and which scopes track and keep.
   */
  readonly whole?: Storage;
}

/** How a kernel sees a tensor: a strided window on a storage. Tensor satisfies it. */
export interface View {
  readonly storage: Storage;
  readonly dtype: DType;
  readonly shape: Shape;
  readonly strides: Shape;
  readonly offset: number;
}

export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'sqrt'
  | 'rsqrt'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'log2'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'erf'
  | 'round'
  | 'floor'
  | 'ceil'
  | 'trunc'
  | 'reciprocal'
  | 'logicalNot'
  | 'isnan'
  | 'isinf'
  | 'isfinite';

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'floorDiv'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'fmod'
  | 'remainder'
  | 'atan2'
  | 'reluBackward'
  | LogicalBinaryOp;

/** The binary kernels with bool results: comparisons and logical connectives. */
export type LogicalBinaryOp =
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'logicalAnd'
  | 'logicalOr'
  | 'logicalXor';

/** Where the kernel windows of im2col/col2im lie on an [N, C, H, W] image. */
export interface WindowGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  kernel: readonly [number, number];
  dilation: readonly [number, number];
  padding: readonly [number, number];
  stride: readonly [number, number];
  /** Windows along H and W. */
  out: readonly [number, number];
}

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'any' | 'all';
export type ArgReduceOp = 'argmax' | 'argmin';
export type CumulativeOp = 'cumsum' | 'cumprod';
export type ScatterReduce = 'none' | 'sum' | 'prod' | 'mean' | 'amax' | 'amin';

/**
 * The contract every backend implements. It is small on purpose: the tensor package builds
 * every user-facing op from these kernels, so a new backend is a few hundred lines.
 *
 * Conventions: inputs are Views with arbitrary strides (broadcast dims have stride 0, already
 * expanded to the output shape by the caller); every kernel returns a fresh contiguous Storage
 * of the requested dtype; values are converted to the output dtype as PyTorch casts them
 * (truncation toward zero for integers, nonzero -> 1 for bool).
 */
export interface Backend {
  readonly name: string;

  /** Zero-filled storage. */
  alloc(dtype: DType, size: number): Storage;
  /** Storage holding a copy of `data` (already of the array type `dtype` is stored in). */
  fromArray(data: TypedArray, dtype: DType): Storage;
  /** The view's elements in row-major order, as the CPU array type of its dtype. */
  read(x: View): TypedArray;
  /**
   * Optional: `storage`'s memory read as `dtype`, sharing its memory, version and lifetime: a
   * complex storage's numbers as its parts' real dtype (viewAsReal) and back (viewAsComplex).
   * Backends without complex dtypes leave it out.
   */
  reinterpret?(storage: Storage, dtype: DType): Storage;
  /** Releases the storage's memory early; the finalizer does it otherwise. */
  dispose(storage: Storage): void;

  /** Contiguous copy of `x` converted to `dtype`. */
  copy(x: View, dtype: DType): Storage;
  /** Writes `src` (same shape as `dst`, possibly broadcast) into `dst`'s storage in place. */
  write(dst: View, src: View): void;
  /** Sets every element of `dst` to `value` in place. */
  fill(dst: View, value: number): void;

  unary(op: UnaryOp, x: View, dtype: DType): Storage;
  binary(op: BinaryOp, a: View, b: View, dtype: DType): Storage;
  /**
   * Optional: op(a, b) written into `dst` in place (a and b of dst's dtype, broadcast to its
   * shape, each either dst itself or not overlapping it). In-place ops without autograd use
   * it to skip the temporary that binary + write take.
   */
  binaryInto?(op: BinaryOp, dst: View, a: View, b: View): void;
  where(cond: View, a: View, b: View, dtype: DType): Storage;
  /** Reduces over `dims`; the result has x.shape without those dims. */
  reduce(op: ReduceOp, x: View, dims: readonly number[], dtype: DType): Storage;
  /** Index (int64) of the first max/min along `dim`, NaN counting as the max and the min. */
  argReduce(op: ArgReduceOp, x: View, dim: number): Storage;
  cumulative(op: CumulativeOp, x: View, dim: number, dtype: DType): Storage;
  /** a: [...batch, M, K], b: [...batch, K, N] with equal batch dims; result [...batch, M, N]. */
  matmul(a: View, b: View, dtype: DType): Storage;
  /** out[i][j] = x[index[i][j]][j] for dim 0 (and so on); result has index.shape. */
  gather(x: View, dim: number, index: View): Storage;
  /** A copy of `x` with `src` scattered in along `dim` at `index` (index and src same shape). */
  scatter(
    x: View,
    dim: number,
    index: View,
    src: View,
    reduce: ScatterReduce,
    includeSelf: boolean,
  ): Storage;
  /** Stable sort along `dim`; returns [values, int64 indices]. NaN sorts as the largest. */
  sort(x: View, dim: number, descending: boolean): [Storage, Storage];

  /**
   * Optional fast paths for im2col and col2im (ops/conv.ts), which otherwise compose them
   * from copy, write and binary. im2col: the windows of x [N, C, H, W] as a contiguous
   * [C*kh*kw, N*oh*ow] matrix, positions outside the image reading `padValue`.
   */
  im2col?(x: View, g: WindowGeometry, padValue: number): Storage;
  /** The adjoint: cols [C*kh*kw, N*oh*ow] summed back onto a zero [N, C, H, W] image. */
  col2im?(cols: View, g: WindowGeometry): Storage;
  /**
   * Optional fast path for max pooling (ops/pooling.ts): each window's max [N, C, oh, ow] in
   * x's dtype (where `withValues`), and int64 indices into its H*W plane, by PyTorch's
   * max_pool2d rule (first of equal values, a NaN always taken, padding never).
   */
  maxPool?(x: View, g: WindowGeometry, withValues: boolean): [Storage | null, Storage];
  /** Its gradient: grad [N, C, oh, ow] added at indices into a zero `inputShape` (both dense). */
  maxPoolBackward?(grad: View, indices: View, inputShape: Shape): Storage;
  /**
   * Optional fast path for average pooling (ops/pooling.ts; g's dilation is 1): [N, C, oh, ow]
   * by avg_pool2d's divisor rules. null to decline, and the op composes im2col and sum.
   */
  avgPool?(x: View, g: WindowGeometry, divisor: AvgPoolDivisor): Storage | null;
  /** Its gradient, from grad [N, C, oh, ow]: [N, C, H, W] (or null, as above). */
  avgPoolBackward?(grad: View, g: WindowGeometry, divisor: AvgPoolDivisor): Storage | null;
  /**
   * Optional fused softmax (log_softmax where `log`) along `dim` in x's float dtype
   * (ops/reduce.ts); null to decline, and the op composes amax, exp, sum and div.
   */
  softmax?(x: View, dim: number, log: boolean): Storage | null;
  /**
   * Optional fused LSTM cell (ops/lstm.ts) of dense float gates [B, 4H] (the input's and the
   * hidden state's projections, torch's order i, f, g, o) and cell state cx [B, H], all of one
   * dtype: [hy, cy, workspace], the workspace being the four activated gates [B, 4H].
   */
  lstmCell?(inputGates: View, hiddenGates: View, cx: View): [Storage, Storage, Storage];
  /** Its gradient (dense operands; null gradients are zeros): [gates' grad [B, 4H], cx's grad]. */
  lstmCellBackward?(
    gradHy: View | null,
    gradCy: View | null,
    cx: View,
    cy: View,
    workspace: View,
  ): [Storage, Storage];
  /**
   * Optional fused training-mode batch norm (ops/norm.ts) of a dense float x read as [N, C, S]
   * with dense weight and bias [C]: [out, mean, invstd], the statistics per channel with the
   * biased variance; float32 and float64 only. Without it nn composes batch norm from mean,
   * sub and rsqrt.
   */
  batchNorm?(x: View, weight: View, bias: View, eps: number): [Storage, Storage, Storage];
  /** Its gradient from dense grad and x, all of x's dtype: [dx, dweight, dbias]. */
  batchNormBackward?(
    grad: View,
    x: View,
    mean: View,
    invstd: View,
    weight: View,
  ): [Storage, Storage, Storage];
  /**
   * Optional fused convolution (groups 1, ops/convolution.ts) of x [N, C, H, W] (g's image)
   * with weight [O, C, kh, kw] and bias [O] or null: [N, O, oh, ow]. These three may return
   * null to decline (an operand they do not take), and the op composes im2col and matmul.
   */
  conv2d?(x: View, weight: View, bias: View | null, g: WindowGeometry): Storage | null;
  /** Its gradient wrt x, from the output gradient [N, O, oh, ow]: [N, C, H, W]. */
  conv2dInputGrad?(grad: View, weight: View, g: WindowGeometry): Storage | null;
  /** Its gradient wrt the weight, from the output gradient and x: [O, C, kh, kw]. */
  conv2dWeightGrad?(grad: View, x: View, g: WindowGeometry): Storage | null;
  /**
   * Optional fused SGD step in place (ops/fused.ts): param and the momentum buffer (null
   * without momentum) are updated in one pass. False to decline, having written nothing.
   */
  sgdStep?(param: View, grad: View, momentumBuffer: View | null, opts: SgdStepOptions): boolean;
  /** Optional fused Adam/AdamW step in place (ops/fused.ts), likewise. */
  adamStep?(
    param: View,
    grad: View,
    expAvg: View,
    expAvgSq: View,
    maxExpAvgSq: View | null,
    opts: AdamStepOptions,
  ): boolean;
}

/**
 * What an average-pooling window is divided by: `divisorOverride` where given, else its size
 * clipped to the padded image (countIncludePad) or its positions inside the image.
 */
export interface AvgPoolDivisor {
  countIncludePad: boolean;
  divisorOverride: number | null;
}

/**
 * One Adam step's settings (torch.optim.Adam's single-tensor update): `step` counts this one;
 * `weightDecay` is the L2 term added to the gradient, `decay` AdamW's factor on the parameter
 * (1 - lr * weight_decay; 1 for Adam).
 */
export interface AdamStepOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decay: number;
  maximize: boolean;
  step: number;
}

/** One SGD step's settings, as torch.optim.SGD's (momentum > 0 where there is a buffer). */
export interface SgdStepOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}
