/**
 * Every op the tensor package records through `apply`, with the attributes it records: the one
 * link between an op and its gradient. `@tensile/autograd` declares its formulas as a mapped type
 * over `DifferentiableOp`, so an op added here without a formula, or a formula reading an
 * attribute the op does not record, fails to compile. Composite ops (reported to an op observer
 * as one op, differentiated through the ops they are made of) are listed apart.
 */
import type {
  BinaryOp,
  CumulativeOp,
  LogicalBinaryOp,
  ReduceOp,
  ScatterReduce,
  UnaryOp,
} from './backend';
import type { DType } from './dtype';
import type { Pair } from './ops/conv';
import type { Shape } from './shape';
import type { Tensor } from './tensor';

/** What any recorded op may carry: PyTorch's node name when the op stands for another. */
export type CommonAttrs = { readonly gradName?: string };

type None = CommonAttrs;
/** Views record their input's shape; the gradient is laid back into it. */
type ViewAttrs<T = unknown> = CommonAttrs & { readonly inputShape: Shape } & Readonly<T>;
type Dims = CommonAttrs & { readonly dims: readonly number[]; readonly keepdim: boolean };
type Dim = CommonAttrs & { readonly dim: number };
/** Window settings as ops record them: every default resolved. */
type Windows = Readonly<{ stride: Pair; padding: Pair; dilation: Pair; outputSize: Pair }>;
type AvgWindows = Readonly<{
  stride: Pair;
  padding: Pair;
  outputSize: Pair;
  countIncludePad: boolean;
  divisorOverride: number | null;
  kernelSize: Pair;
}>;

export interface OpAttrMap
  extends Record<UnaryOp, None>,
    Record<BinaryOp, None>,
    Record<ReduceOp, Dims>,
    Record<CumulativeOp, Dim> {
  // Elementwise beyond the backend's unary/binary kernels.
  where: None;
  clamp: CommonAttrs & { readonly hasMin: boolean; readonly hasMax: boolean };
  // Reductions.
  mean: Dims & { readonly count: number };
  norm: Dims;
  softmax: Dim;
  logSoftmax: Dim;
  // Copies, casts and views.
  clone: None;
  cast: CommonAttrs & { readonly dtype: DType };
  toDevice: CommonAttrs & { readonly device: string };
  view: ViewAttrs;
  expand: ViewAttrs;
  permute: ViewAttrs<{ dims: readonly number[] }>;
  slice: ViewAttrs<{ dim: number; start: number; end: number; step: number }>;
  select: ViewAttrs<{ dim: number; index: number }>;
  diagonal: ViewAttrs<{ offset: number; dim1: number; dim2: number }>;
  asStrided: ViewAttrs<{
    inputStrides: Shape;
    inputOffset: number;
    size: Shape;
    stride: Shape;
    storageOffset: number;
  }>;
  unfoldDim: ViewAttrs<{ dim: number; size: number; step: number }>;
  // Joining.
  cat: CommonAttrs & { readonly dim: number; readonly sizes: readonly number[] };
  stack: Dim;
  flip: CommonAttrs & { readonly dims: readonly number[] };
  // Indexing.
  gather: Dim;
  scatter: Dim & { readonly reduce: ScatterReduce; readonly includeSelf: boolean };
  indexPut: CommonAttrs & {
    /** The flat positions written, made by the forward. */
    readonly positions: Tensor;
    readonly picked: readonly number[];
    readonly rest: readonly number[];
    readonly accumulate: boolean;
  };
  // Products, convolution and pooling.
  matmul: None;
  im2col: CommonAttrs &
    Windows & { readonly kernelSize: Pair; readonly inputShape: Shape; readonly padValue: number };
  col2im: CommonAttrs & Windows & { readonly kernelSize: Pair; readonly outputShape: Shape };
  convolution: CommonAttrs & Windows;
  convolutionInputGrad: CommonAttrs & Windows & { readonly inputShape: Shape };
  convolutionWeightGrad: CommonAttrs & Windows & { readonly weightShape: Shape };
  /** `indices` is filled in by the forward (the argmax of each window). */
  maxPool: CommonAttrs & { indices?: Tensor };
  maxPoolBackward: CommonAttrs & { readonly indices: Tensor };
  avgPool: CommonAttrs & AvgWindows;
  avgPoolBackward: CommonAttrs & AvgWindows & { readonly inputShape: Shape };
  /** The batch statistics are filled in by the forward. */
  batchNorm: CommonAttrs & { readonly eps: number; mean?: Tensor; invstd?: Tensor };
  // Linear algebra.
  inv: None;
  det: None;
  slogdet: None;
  solve: CommonAttrs & { readonly vector: boolean };
  cholesky: CommonAttrs & { readonly upper: boolean };
  qr: CommonAttrs & { readonly mode: 'reduced' | 'complete' | 'r' };
  eigh: None;
  svd: CommonAttrs & { readonly full: boolean };
  // Complex numbers.
  eig: CommonAttrs & { readonly vectors: boolean };
  complex: None;
  viewAsComplex: None;
  viewAsReal: None;
}

export type OpName = keyof OpAttrMap;
export type AttrsOf<K extends OpName> = OpAttrMap[K];

/** Ops whose results are bool or integer: autograd never makes a node for them. */
export type NonDifferentiableOp =
  | LogicalBinaryOp
  | 'logicalNot'
  | 'isnan'
  | 'isinf'
  | 'isfinite'
  | 'any'
  | 'all';

export type DifferentiableOp = Exclude<OpName, NonDifferentiableOp>;

/**
 * The ops autograd records with complex inputs or results: their formulas take the complex
 * conjugates PyTorch's do (a product's gradient is g * conj(b)). `apply` refuses to record any
 * other op on complex tensors rather than run a formula written for reals.
 */
export const COMPLEX_GRAD_OPS = [
  'add',
  'sub',
  'mul',
  'div',
  'neg',
  'abs',
  'where',
  'matmul',
  'sum',
  'mean',
  'cumsum',
  'flip',
  'cast',
  'clone',
  'view',
  'expand',
  'permute',
  'slice',
  'select',
  'diagonal',
  'cat',
  'stack',
  'complex',
  'viewAsReal',
  'viewAsComplex',
  'eig',
] as const satisfies readonly DifferentiableOp[];

/**
 * Groups of ops an observer (an exporter) sees as one op, with what each reports; autograd
 * differentiates the ops inside them.
 */
export interface CompositeAttrMap {
  /** Geometry per spatial dim (one for conv1d); `ends` is the padding after each. */
  conv: Readonly<{ groups: number } & Record<ConvGeometry, readonly number[]>>;
  convTranspose: Readonly<
    { groups: number } & Record<ConvGeometry | 'outputPadding', readonly number[]>
  >;
  maxPool2d: Readonly<{
    kernel: Pair;
    stride: Pair;
    padding: Pair;
    dilation: Pair;
    outputSize: Pair;
  }>;
  argmax: Readonly<{ dim: number | null; keepdim: boolean }>;
  argmin: Readonly<{ dim: number | null; keepdim: boolean }>;
  sort: Readonly<{ dim: number; descending: boolean }>;
  topk: Readonly<{ k: number; dim: number; largest: boolean }>;
  unique: None;
  nonzero: None;
  oneHot: Readonly<{ numClasses: number }>;
  positionMask: Readonly<{ size: number }>;
  lstmCell: None;
}

type ConvGeometry = 'stride' | 'padding' | 'dilation' | 'ends';

export type CompositeName = keyof CompositeAttrMap;

/** What an observer sees: a recorded op or a composite, with its attributes. */
export type ObservedOp = OpName | CompositeName;
export type ObservedAttrs<K extends ObservedOp> = K extends OpName
  ? OpAttrMap[K]
  : K extends CompositeName
    ? CompositeAttrMap[K]
    : never;
