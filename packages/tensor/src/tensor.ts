import type { Storage } from './backend';
import type { BackwardOptions, RemovableHandle, TensorHook } from './dispatch';
import { autogradEngine } from './dispatch';
import type { DType, TypedArray } from './dtype';
import { isFloating } from './dtype';
import { DTypeError, ValueError } from './errors';
import * as D from './ops/decompositions';
import * as E from './ops/elementwise';
import * as I from './ops/indexing';
import * as J from './ops/joining';
import * as L from './ops/linalg';
import * as RND from './ops/random';
import * as R from './ops/reduce';
import * as V from './ops/views';
import { formatTensor } from './print';
import { adopt, release } from './scope';
import { isContiguousLayout, normalizeDim, numelOf, type Shape } from './shape';
import {
  defineTensorClass,
  type GradFn,
  isTensor,
  TENSOR,
  type TensorLike,
  type ValuesIndices,
} from './tensor-base';

export type { GradFn, TensorLike, ValuesIndices } from './tensor-base';

/**
 * An n-dimensional array: a strided view (shape, strides, offset) of a backend-owned storage.
 * Views share storage; `contiguous()` and ops produce new storage.
 */
export class Tensor {
  /**
   * A Tensor made by another copy of this package (its CJS build beside the ESM one) is a
   * Tensor too: the copies share their state (shared.ts) and tensors' layout, so `instanceof`
   * asks for the brand all copies put on their prototype. Subclasses (Parameter) keep the
   * ordinary prototype-chain test.
   */
  static [Symbol.hasInstance](x: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class tested against, maybe a subclass.
    if (this !== Tensor) return Function.prototype[Symbol.hasInstance].call(this, x);
    return isTensor(x);
  }

  readonly storage: Storage;
  readonly shape: Shape;
  readonly strides: Shape;
  readonly offset: number;
  requiresGrad = false;
  private gradValue: Tensor | null = null;
  gradFn: GradFn | null = null;
  /** The tensor this one is a view of, if any (views share its storage). */
  base: Tensor | null = null;
  /** Engine-private slots (hooks, retainGrad, output number); the tensor package never reads them. */
  autogradMeta: unknown = undefined;

  constructor(storage: Storage, shape: Shape, strides: Shape, offset = 0) {
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze([...strides]);
    this.offset = offset;
  }

  /**
   * The gradient backward() accumulated (for leaves and retainGrad tensors). It lives as long as
   * this tensor, even when made inside a `scope`; one that is replaced or set to null is freed
   * at the end of the scope that drops it.
   */
  get grad(): Tensor | null {
    return this.gradValue;
  }
  set grad(g: Tensor | null) {
    const old = this.gradValue;
    if (g === old) return;
    this.gradValue = g;
    if (g !== null) adopt(this, g);
    if (old !== null && old.storage !== g?.storage) release(old);
  }

  get dtype(): DType {
    return this.storage.dtype;
  }
  get device(): string {
    return this.storage.backend.name;
  }
  get ndim(): number {
    return this.shape.length;
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** Incremented by every in-place write to the storage (autograd's version counter). */
  get version(): number {
    return this.storage.version;
  }

  dim(): number {
    return this.shape.length;
  }
  numel(): number {
    return numelOf(this.shape);
  }
  size(): Shape;
  size(dim: number): number;
  size(dim?: number): Shape | number {
    return dim === undefined ? this.shape : this.shape[normalizeDim('size', dim, this.ndim)];
  }
  stride(): Shape;
  stride(dim: number): number;
  stride(dim?: number): Shape | number {
    return dim === undefined ? this.strides : this.strides[normalizeDim('stride', dim, this.ndim)];
  }
  storageOffset(): number {
    return this.offset;
  }
  isContiguous(): boolean {
    return isContiguousLayout(this.shape, this.strides);
  }

  /** The elements in row-major order as a new typed array (int64 as Float64Array, bool as 0/1). */
  dataSync(): TypedArray {
    return this.storage.backend.read(this);
  }
  item(): number {
    if (this.numel() !== 1) {
      throw new ValueError(
        `item: a Tensor with ${this.numel()} elements cannot be converted to Scalar`,
      );
    }
    return this.dataSync()[0];
  }
  /** Nested arrays of numbers (booleans for bool tensors), as torch's tolist. */
  tolist(): unknown {
    const data = this.dataSync();
    const conv = this.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
    let k = 0;
    const build = (d: number): unknown =>
      d === this.ndim ? conv(data[k++]) : Array.from({ length: this.shape[d] }, () => build(d + 1));
    return build(0);
  }
  toString(): string {
    return formatTensor(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- conversion ----
  /** Moves to a device, or converts to a dtype; returns `this` when nothing changes. */
  to(target: DType | string, opts: { copy?: boolean } = {}): Tensor {
    return V.to(this, target, opts);
  }
  type(dtype: DType): Tensor {
    return this.to(dtype);
  }
  float(): Tensor {
    return this.to('float32');
  }
  double(): Tensor {
    return this.to('float64');
  }
  int(): Tensor {
    return this.to('int32');
  }
  long(): Tensor {
    return this.to('int64');
  }
  bool(): Tensor {
    return this.to('bool');
  }
  clone(): Tensor {
    return V.clone(this);
  }
  contiguous(): Tensor {
    return V.contiguous(this);
  }

  // ---- autograd ----
  requiresGrad_(requiresGrad = true): this {
    if (requiresGrad && !isFloating(this.dtype)) {
      throw new DTypeError(
        `requiresGrad_: only Tensors of floating point dtype can require gradients (got ${this.dtype})`,
      );
    }
    if (!requiresGrad && !this.isLeaf) {
      throw new ValueError(
        'requiresGrad_: you can only change requiresGrad flags of leaf variables. Use detach() for a non-leaf',
      );
    }
    this.requiresGrad = requiresGrad;
    return this;
  }
  /**
   * Frees the storage's memory now (every view of it becomes unusable) instead of when the
   * garbage collector finds it; for device memory in long synchronous loops. See `scope`.
   */
  dispose(): void {
    this.storage.backend.dispose(this.storage);
  }
  /**
   * The values without autograd (PyTorch's `.data`): the same storage, requiring no grad, and
   * no view as far as autograd is concerned (`p.data.add_(...)` on a leaf is allowed). Unlike
   * PyTorch, a write through it still counts for the in-place check, so changing a tensor saved
   * for backward this way raises instead of giving a wrong gradient.
   */
  get data(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }
  /**
   * `x.data = y` as in PyTorch: x takes y's storage, shape and strides (they share memory after
   * this), keeping its identity, requiresGrad and grad; autograd does not see the change.
   */
  set data(value: Tensor) {
    if (!(value instanceof Tensor))
      throw new ValueError(`Tensor.data: expected a Tensor to assign, got ${typeof value}`);
    if (this.requiresGrad && !isFloating(value.dtype))
      throw new DTypeError(
        `Tensor.data: a tensor that requires grad cannot take data of dtype ${value.dtype}`,
      );
    const self = this as { -readonly [K in 'storage' | 'shape' | 'strides' | 'offset']: Tensor[K] };
    self.storage = value.storage;
    self.shape = value.shape;
    self.strides = value.strides;
    self.offset = value.offset;
    this.base = null;
  }
  /** A tensor sharing storage but cut from the graph. */
  detach(): Tensor {
    const t = new Tensor(this.storage, this.shape, this.strides, this.offset);
    t.base = this.base ?? this;
    return t;
  }
  detach_(): this {
    this.gradFn = null;
    this.requiresGrad = false;
    return this;
  }
  backward(gradient?: Tensor, opts: BackwardOptions = {}): void {
    autogradEngine('backward()').backward(this, gradient, opts);
  }
  registerHook(hook: TensorHook): RemovableHandle {
    if (!this.requiresGrad)
      throw new ValueError(
        "registerHook: cannot register a hook on a tensor that doesn't require gradient",
      );
    return autogradEngine('registerHook()').registerHook(this, hook);
  }
  retainGrad(): void {
    autogradEngine('retainGrad()').retainGrad(this);
  }

  // ---- views ----
  view(...shape: number[] | [Shape]): Tensor {
    return V.view(this, flat(shape));
  }
  reshape(...shape: number[] | [Shape]): Tensor {
    return V.reshape(this, flat(shape));
  }
  viewAs(other: Tensor): Tensor {
    return V.view(this, other.shape);
  }
  reshapeAs(other: Tensor): Tensor {
    return V.reshape(this, other.shape);
  }
  permute(...dims: number[] | [Shape]): Tensor {
    return V.permute(this, flat(dims));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return V.transpose(this, dim0, dim1);
  }
  t(): Tensor {
    return V.t(this);
  }
  get T(): Tensor {
    return V.permute(
      this,
      this.shape.map((_, i) => this.ndim - 1 - i),
    );
  }
  get mT(): Tensor {
    return V.transpose(this, -2, -1);
  }
  squeeze(dim?: number | Shape): Tensor {
    return V.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return V.unsqueeze(this, dim);
  }
  expand(...shape: number[] | [Shape]): Tensor {
    return V.expand(this, flat(shape));
  }
  expandAs(other: Tensor): Tensor {
    return V.expand(this, other.shape);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return V.flatten(this, startDim, endDim);
  }
  unflatten(dim: number, sizes: Shape): Tensor {
    return V.unflatten(this, dim, sizes);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return V.narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return V.select(this, dim, index);
  }
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return V.slice(this, dim, start, end, step);
  }
  /** Python-style indexing: `x.index(':', '1:3')` is `x[:, 1:3]`; see IndexSpec. */
  index(...specs: V.IndexSpec[]): Tensor {
    return V.index(this, specs);
  }
  movedim(source: number | Shape, destination: number | Shape): Tensor {
    return V.movedim(this, source, destination);
  }
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return V.diagonal(this, offset, dim1, dim2);
  }
  asStrided(size: Shape, stride: Shape, storageOffset?: number): Tensor {
    return V.asStrided(this, size, stride, storageOffset);
  }
  unfold(dim: number, size: number, step: number): Tensor {
    return V.unfold(this, dim, size, step);
  }
  split(splitSize: number | Shape, dim = 0): Tensor[] {
    return J.split(this, splitSize, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return J.chunk(this, chunks, dim);
  }
  unbind(dim = 0): Tensor[] {
    return J.unbind(this, dim);
  }
  repeat(...sizes: number[] | [Shape]): Tensor {
    return J.repeat(this, flat(sizes));
  }
  tile(...dims: number[] | [Shape]): Tensor {
    return J.tile(this, flat(dims));
  }
  flip(...dims: number[] | [Shape]): Tensor {
    return J.flip(this, flat(dims));
  }
  roll(shifts: number | Shape, dims?: number | Shape): Tensor {
    return J.roll(this, shifts, dims);
  }

  // ---- elementwise ----
  add(other: TensorLike, opts?: { alpha?: number }): Tensor {
    return E.add(this, other, opts);
  }
  sub(other: TensorLike, opts?: { alpha?: number }): Tensor {
    return E.sub(this, other, opts);
  }
  mul(other: TensorLike): Tensor {
    return E.mul(this, other);
  }
  div(other: TensorLike, opts?: E.DivOptions): Tensor {
    return E.div(this, other, opts);
  }
  floorDivide(other: TensorLike): Tensor {
    return E.floorDivide(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return E.pow(this, exponent);
  }
  maximum(other: Tensor): Tensor {
    return E.maximum(this, other);
  }
  minimum(other: Tensor): Tensor {
    return E.minimum(this, other);
  }
  fmod(other: TensorLike): Tensor {
    return E.fmod(this, other);
  }
  remainder(other: TensorLike): Tensor {
    return E.remainder(this, other);
  }
  atan2(other: TensorLike): Tensor {
    return E.atan2(this, other);
  }
  lerp(end: TensorLike, weight: TensorLike): Tensor {
    return E.lerp(this, end, weight);
  }
  neg(): Tensor {
    return E.neg(this);
  }
  abs(): Tensor {
    return E.abs(this);
  }
  sign(): Tensor {
    return E.sign(this);
  }
  sqrt(): Tensor {
    return E.sqrt(this);
  }
  rsqrt(): Tensor {
    return E.rsqrt(this);
  }
  square(): Tensor {
    return E.square(this);
  }
  exp(): Tensor {
    return E.exp(this);
  }
  expm1(): Tensor {
    return E.expm1(this);
  }
  log(): Tensor {
    return E.log(this);
  }
  log1p(): Tensor {
    return E.log1p(this);
  }
  log2(): Tensor {
    return E.log2(this);
  }
  sin(): Tensor {
    return E.sin(this);
  }
  cos(): Tensor {
    return E.cos(this);
  }
  tan(): Tensor {
    return E.tan(this);
  }
  tanh(): Tensor {
    return E.tanh(this);
  }
  sigmoid(): Tensor {
    return E.sigmoid(this);
  }
  relu(): Tensor {
    return E.relu(this);
  }
  erf(): Tensor {
    return E.erf(this);
  }
  clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return E.clamp(this, min, max);
  }
  clip(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return E.clamp(this, min, max);
  }
  round(opts?: { decimals?: number }): Tensor {
    return E.round(this, opts);
  }
  floor(): Tensor {
    return E.floor(this);
  }
  ceil(): Tensor {
    return E.ceil(this);
  }
  trunc(): Tensor {
    return E.trunc(this);
  }
  frac(): Tensor {
    return E.frac(this);
  }
  reciprocal(): Tensor {
    return E.reciprocal(this);
  }
  eq(other: TensorLike): Tensor {
    return E.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return E.ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return E.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return E.le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return E.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return E.ge(this, other);
  }
  isclose(other: TensorLike, opts?: E.CloseOptions): Tensor {
    return E.isclose(this, other, opts);
  }
  allclose(other: TensorLike, opts?: E.CloseOptions): boolean {
    return E.allclose(this, other, opts);
  }
  equal(other: Tensor): boolean {
    return E.equal(this, other);
  }
  logicalAnd(other: TensorLike): Tensor {
    return E.logicalAnd(this, other);
  }
  logicalOr(other: TensorLike): Tensor {
    return E.logicalOr(this, other);
  }
  logicalXor(other: TensorLike): Tensor {
    return E.logicalXor(this, other);
  }
  logicalNot(): Tensor {
    return E.logicalNot(this);
  }
  isnan(): Tensor {
    return E.isnan(this);
  }
  isinf(): Tensor {
    return E.isinf(this);
  }
  isfinite(): Tensor {
    return E.isfinite(this);
  }
  nanToNum(opts?: E.NanToNumOptions): Tensor {
    return E.nanToNum(this, opts);
  }
  where(condition: Tensor, other: TensorLike): Tensor {
    return E.where(condition, this, other);
  }

  // ---- in place ----
  add_(other: TensorLike, opts?: { alpha?: number }): this {
    return E.binaryInplace('add', this, other, opts);
  }
  sub_(other: TensorLike, opts?: { alpha?: number }): this {
    return E.binaryInplace('sub', this, other, opts);
  }
  mul_(other: TensorLike): this {
    return E.binaryInplace('mul', this, other);
  }
  div_(other: TensorLike, opts?: E.DivOptions): this {
    return E.binaryInplace('div', this, other, opts);
  }
  pow_(exponent: TensorLike): this {
    return E.inplace('pow_', this, E.pow(E.original(this, exponent), exponent));
  }
  neg_(): this {
    return E.inplace('neg_', this, E.neg(E.original(this)));
  }
  abs_(): this {
    return E.inplace('abs_', this, E.abs(E.original(this)));
  }
  sqrt_(): this {
    return E.inplace('sqrt_', this, E.sqrt(E.original(this)));
  }
  exp_(): this {
    return E.inplace('exp_', this, E.exp(E.original(this)));
  }
  log_(): this {
    return E.inplace('log_', this, E.log(E.original(this)));
  }
  relu_(): this {
    return E.inplace('relu_', this, E.relu(E.original(this)));
  }
  sigmoid_(): this {
    return E.inplace('sigmoid_', this, E.sigmoid(E.original(this)));
  }
  tanh_(): this {
    return E.inplace('tanh_', this, E.tanh(E.original(this)));
  }
  clamp_(min?: TensorLike | null, max?: TensorLike | null): this {
    return E.inplace('clamp_', this, E.clamp(E.original(this, min, max), min, max));
  }
  lerp_(end: TensorLike, weight: TensorLike): this {
    return E.inplace('lerp_', this, E.lerp(E.original(this, end, weight), end, weight));
  }
  addcmul_(t1: Tensor, t2: Tensor, opts: { value?: number } = {}): this {
    return E.inplace(
      'add_',
      this,
      E.add(E.original(this, t1, t2), E.mul(t1, t2), { alpha: opts.value ?? 1 }),
    );
  }
  addcdiv_(t1: Tensor, t2: Tensor, opts: { value?: number } = {}): this {
    return E.inplace(
      'add_',
      this,
      E.add(E.original(this, t1, t2), E.div(t1, t2), { alpha: opts.value ?? 1 }),
    );
  }
  maskedFill_(mask: Tensor, value: TensorLike): this {
    return E.inplace('maskedFill_', this, I.maskedFill(E.original(this, mask, value), mask, value));
  }
  scatter_(dim: number, index: Tensor, src: TensorLike, opts?: I.ScatterOptions): this {
    return E.inplace(
      'scatter_',
      this,
      I.scatter(E.original(this, index, src), dim, index, src, opts),
    );
  }
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this {
    return E.inplace(
      'scatterAdd_',
      this,
      I.scatterAdd(E.original(this, index, src), dim, index, src),
    );
  }
  indexFill_(dim: number, index: Tensor, value: TensorLike): this {
    return E.inplace(
      'indexFill_',
      this,
      I.indexFill(E.original(this, index, value), dim, index, value),
    );
  }
  /** `x[indices] = values` (torch's index_put_); see indexPut. */
  indexPut_(indices: readonly Tensor[], values: TensorLike, opts?: { accumulate?: boolean }): this {
    return E.inplace(
      'indexPut_',
      this,
      I.indexPut(E.original(this, values, ...indices), indices, values, opts),
    );
  }
  indexAdd_(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): this {
    return E.inplace(
      'indexAdd_',
      this,
      I.indexAdd(E.original(this, index, source), dim, index, source, opts),
    );
  }
  copy_(src: TensorLike): this {
    return E.copy_(this, src);
  }
  fill_(value: TensorLike): this {
    return E.copy_(this, value);
  }
  zero_(): this {
    return E.copy_(this, 0);
  }
  uniform_(from = 0, to = 1, opts?: RND.GeneratorOption): this {
    return E.copy_(this, RND.uniformLike(this, from, to, opts));
  }
  normal_(mean = 0, std = 1, opts?: RND.GeneratorOption): this {
    return E.copy_(this, RND.normalLike(this, mean, std, opts));
  }
  bernoulli_(p: TensorLike = 0.5, opts?: RND.GeneratorOption): this {
    return E.copy_(this, RND.bernoulliLike(this, p, opts));
  }

  // ---- reductions ----
  sum(dim?: number | Shape, opts?: R.ReduceOptions): Tensor {
    return R.sum(this, dim, opts);
  }
  mean(dim?: number | Shape, opts?: R.ReduceOptions): Tensor {
    return R.mean(this, dim, opts);
  }
  prod(dim?: number, opts?: R.ReduceOptions): Tensor {
    return R.prod(this, dim, opts);
  }
  max(): Tensor;
  max(dim: number, opts?: R.ReduceOptions): ValuesIndices;
  max(other: Tensor): Tensor;
  max(arg?: number | Tensor, opts?: R.ReduceOptions): Tensor | ValuesIndices {
    return R.max(this, arg as number, opts);
  }
  min(): Tensor;
  min(dim: number, opts?: R.ReduceOptions): ValuesIndices;
  min(other: Tensor): Tensor;
  min(arg?: number | Tensor, opts?: R.ReduceOptions): Tensor | ValuesIndices {
    return R.min(this, arg as number, opts);
  }
  amax(dim?: number | Shape, opts?: R.ReduceOptions): Tensor {
    return R.amax(this, dim, opts);
  }
  amin(dim?: number | Shape, opts?: R.ReduceOptions): Tensor {
    return R.amin(this, dim, opts);
  }
  argmax(dim?: number, opts?: R.ReduceOptions): Tensor {
    return R.argmax(this, dim, opts);
  }
  argmin(dim?: number, opts?: R.ReduceOptions): Tensor {
    return R.argmin(this, dim, opts);
  }
  all(dim?: number | Shape, opts?: R.ReduceOptions): Tensor {
    return R.all(this, dim, opts);
  }
  any(dim?: number | Shape, opts?: R.ReduceOptions): Tensor {
    return R.any(this, dim, opts);
  }
  std(dim?: number | Shape, opts?: R.VarOptions): Tensor {
    return R.std(this, dim, opts);
  }
  var(dim?: number | Shape, opts?: R.VarOptions): Tensor {
    return R.variance(this, dim, opts);
  }
  norm(p?: R.NormOrder, dim?: number | Shape, opts?: R.ReduceOptions): Tensor {
    return R.norm(this, p, dim, opts);
  }
  logsumexp(dim: number | Shape, opts?: R.ReduceOptions): Tensor {
    return R.logsumexp(this, dim, opts);
  }
  cumsum(dim: number): Tensor {
    return R.cumsum(this, dim);
  }
  cumprod(dim: number): Tensor {
    return R.cumprod(this, dim);
  }
  softmax(dim: number): Tensor {
    return R.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return R.logSoftmax(this, dim);
  }

  // ---- indexing ----
  gather(dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }
  scatter(dim: number, index: Tensor, src: TensorLike, opts?: I.ScatterOptions): Tensor {
    return I.scatter(this, dim, index, src, opts);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return I.scatterAdd(this, dim, index, src);
  }
  scatterReduce(
    dim: number,
    index: Tensor,
    src: Tensor,
    reduce: I.ScatterReduceMode,
    opts?: { includeSelf?: boolean },
  ): Tensor {
    return I.scatterReduce(this, dim, index, src, reduce, opts);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return I.indexSelect(this, dim, index);
  }
  inverse(): Tensor {
    return D.inverse(this);
  }
  det(): Tensor {
    return D.det(this);
  }
  slogdet(): ReturnType<typeof D.slogdet> {
    return D.slogdet(this);
  }
  indexFill(dim: number, index: Tensor, value: TensorLike): Tensor {
    return I.indexFill(this, dim, index, value);
  }
  indexPut(
    indices: readonly Tensor[],
    values: TensorLike,
    opts?: { accumulate?: boolean },
  ): Tensor {
    return I.indexPut(this, indices, values, opts);
  }
  indexAdd(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): Tensor {
    return I.indexAdd(this, dim, index, source, opts);
  }
  maskedFill(mask: Tensor, value: TensorLike): Tensor {
    return I.maskedFill(this, mask, value);
  }
  maskedSelect(mask: Tensor): Tensor {
    return I.maskedSelect(this, mask);
  }
  take(index: Tensor): Tensor {
    return I.take(this, index);
  }
  nonzero(): Tensor;
  nonzero(opts: { asTuple: true }): Tensor[];
  nonzero(opts?: { asTuple?: boolean }): Tensor | Tensor[] {
    return opts?.asTuple ? I.nonzero(this, { asTuple: true }) : I.nonzero(this);
  }
  sort(dim = -1, opts?: I.SortOptions): ValuesIndices {
    return I.sort(this, dim, opts);
  }
  argsort(dim = -1, opts?: I.SortOptions): Tensor {
    return I.argsort(this, dim, opts);
  }
  topk(k: number, dim = -1, opts?: I.TopkOptions): ValuesIndices {
    return I.topk(this, k, dim, opts);
  }

  // ---- linear algebra ----
  mm(other: Tensor): Tensor {
    return L.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return L.bmm(this, other);
  }
  matmul(other: Tensor): Tensor {
    return L.matmul(this, other);
  }
  dot(other: Tensor): Tensor {
    return L.dot(this, other);
  }
  outer(other: Tensor): Tensor {
    return L.outer(this, other);
  }
  trace(): Tensor {
    return L.trace(this);
  }
  diag(diagonal = 0): Tensor {
    return L.diag(this, diagonal);
  }
  triu(diagonal = 0): Tensor {
    return L.triu(this, diagonal);
  }
  tril(diagonal = 0): Tensor {
    return L.tril(this, diagonal);
  }
}
Object.defineProperty(Tensor.prototype, TENSOR, { value: true });
defineTensorClass(Tensor);

function flat(args: number[] | [Shape]): Shape {
  return args.length === 1 && Array.isArray(args[0]) ? (args[0] as Shape) : (args as number[]);
}
