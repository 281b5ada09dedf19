export type {
  ArgReduceOp,
  AvgPoolDivisor,
  Backend,
  BinaryOp,
  CumulativeOp,
  LogicalBinaryOp,
  ReduceOp,
  ScatterReduce,
  Storage,
  UnaryOp,
  View,
  WindowGeometry,
} from './backend';
export { cpuBackend } from './cpu';
// For backend implementers: merges dims that are contiguous for every operand.
export { coalesce } from './cpu/loops';
export type { KernelInfo } from './cpu/wasm/runtime';
export { getKernelInfo } from './cpu/wasm/runtime';
export { getDefaultDevice, getDefaultDtype, setDefaultDevice, setDefaultDtype } from './defaults';
export { getBackend, listBackends, registerBackend } from './devices';
export type {
  AutogradHooks,
  BackwardOptions,
  OpAttrs,
  OpObserver,
  RemovableHandle,
  TensorHook,
} from './dispatch';
export {
  apply,
  composite,
  enableGrad,
  isGradEnabled,
  noGrad,
  observeOps,
  registerAutograd,
  setGradEnabled,
} from './dispatch';
export type { ComplexDType, DType, RealDType, TypedArray } from './dtype';
export {
  allocArray,
  complexDtypeOf,
  DTYPES,
  isComplex,
  isDifferentiableType,
  isFloating,
  isIntegral,
  itemSize,
  promoteTypes,
  realPartDtype,
} from './dtype';
export {
  DeviceError,
  DTypeError,
  fmtShape,
  IndexError,
  LinAlgError,
  ShapeError,
  TensileError,
  ValueError,
  warn,
} from './errors';
export type {
  AttrsOf,
  CommonAttrs,
  CompositeAttrMap,
  CompositeName,
  DifferentiableOp,
  NonDifferentiableOp,
  ObservedAttrs,
  ObservedOp,
  OpAttrMap,
  OpName,
} from './op-map';
export { COMPLEX_GRAD_OPS } from './op-map';
export { resultTypeOf as resultType } from './ops/broadcast';
export {
  angle,
  complex,
  conj,
  imag,
  polar,
  real,
  viewAsComplex,
  viewAsReal,
} from './ops/complex';
export type { Im2colOptions, Pair } from './ops/conv';
export { col2im, im2col } from './ops/conv';
export type { ConvolutionOptions } from './ops/convolution';
export { convolution, convolutionInputGrad, convolutionWeightGrad } from './ops/convolution';
export type { NestedData, RandomOptions, TensorOptions } from './ops/create';
export {
  arange,
  empty,
  emptyLike,
  eye,
  fromTypedArray,
  full,
  fullLike,
  linspace,
  normal,
  ones,
  onesLike,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  randperm,
  tensor,
  zeros,
  zerosLike,
} from './ops/create';
export { cholesky, det, inv, inverse, slogdet, solve } from './ops/decompositions';
export { eig, eigvals } from './ops/eig';
export { einsum } from './ops/einsum';
export type { CloseOptions, DivOptions, NanToNumOptions } from './ops/elementwise';
export {
  abs,
  acos,
  add,
  allclose,
  asin,
  atan,
  atan2,
  ceil,
  clamp,
  clamp as clip,
  cos,
  cosh,
  div,
  eq,
  equal,
  erf,
  exp,
  expm1,
  floor,
  floorDivide,
  fmod,
  frac,
  ge,
  gt,
  isclose,
  isfinite,
  isinf,
  isnan,
  le,
  lerp,
  log,
  log1p,
  log2,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
  lt,
  maximum,
  minimum,
  mul,
  nanToNum,
  ne,
  neg,
  pow,
  reciprocal,
  relu,
  reluBackward,
  remainder,
  round,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sinh,
  sqrt,
  square,
  sub,
  tan,
  tanh,
  trunc,
  where,
} from './ops/elementwise';
export {
  type AdamStepOptions,
  fusedAdamStep,
  fusedSgdStep,
  type SgdStepOptions,
} from './ops/fused';
export type { ScatterOptions, ScatterReduceMode, SortOptions, TopkOptions } from './ops/indexing';
export {
  argsort,
  gather,
  indexAdd,
  indexFill,
  indexPut,
  indexSelect,
  maskedFill,
  maskedSelect,
  nonzero,
  oneHot,
  scatter,
  scatterAdd,
  scatterReduce,
  sort,
  take,
  topk,
} from './ops/indexing';
export {
  cat,
  chunk,
  flip,
  meshgrid,
  repeat,
  roll,
  split,
  stack,
  tile,
  unbind,
} from './ops/joining';
export { bmm, diag, diagEmbed, dot, matmul, mm, outer, trace, tril, triu } from './ops/linalg';
export { linalg } from './ops/linalg-namespace';
export { type LstmCellOptions, lstmCell, lstmCellBackward } from './ops/lstm';
export { type BatchNormResult, batchNormBackward, batchNormTraining } from './ops/norm';
export {
  type AvgPoolWindowOptions,
  atIndices,
  avgPool,
  avgPoolBackward,
  maxPool,
  maxPoolBackward,
  maxPoolIndices,
} from './ops/pooling';
export { lstsq, type QrMode, qr } from './ops/qr';
export type { GeneratorOption, MultinomialOptions } from './ops/random';
export { bernoulli, multinomial } from './ops/random';
export type { KeepdimOptions, NormOrder, ReduceOptions, VarOptions } from './ops/reduce';
export {
  all,
  amax,
  amin,
  any,
  argmax,
  argmin,
  cumprod,
  cumsum,
  logSoftmax,
  logsumexp,
  max,
  mean,
  min,
  norm,
  prod,
  softmax,
  std,
  sum,
  variance as var,
} from './ops/reduce';
export {
  eigh,
  eigvalsh,
  type MatrixNormOrder,
  matrixNorm,
  type SvdOptions,
  svd,
  svdvals,
} from './ops/spectral';
export type { UniqueOptions } from './ops/unique';
export { unique } from './ops/unique';
export type { IndexSpec } from './ops/views';
export {
  asStrided,
  clone,
  contiguous,
  diagonal,
  expand,
  flatten,
  movedim,
  narrow,
  permute,
  reshape,
  select,
  slice,
  squeeze,
  t,
  transpose,
  unflatten,
  unsqueeze,
  view,
} from './ops/views';
export type { GeneratorState } from './random';
export { defaultGenerator, Generator, manualSeed } from './random';
export { keep, scope, watchStorages } from './scope';
export type { Shape } from './shape';
export { broadcastShapes, contiguousStrides, numelOf, sameShape } from './shape';
export { Tensor } from './tensor';
export type { GradFn, TensorLike, ValuesIndices } from './tensor-base';
export { isTensor, valuesIndices } from './tensor-base';
export { getNumThreads, setNumThreads } from './threads';
