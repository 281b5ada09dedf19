import type { Storage } from './backend';
import type { BackwardOptions, RemovableHandle, TensorHook } from './dispatch';
import { autogradEngine } from './dispatch';
import type { DType, TypedArray } from './dtype';
import { isComplex, isDifferentiableType, isFloating } from './dtype';
import { DTypeError, ValueError } from './errors';
import * as C from './ops/complex';
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
import { brandClass } from './shared';
import { defineTensorClass, type GradFn, type TensorLike, type ValuesIndices } from './tensor-base';

export type { GradFn, TensorLike, ValuesIndices } from './tensor-base';

/**
 * An n-dimensional array: a strided view (shape, strides, offset) of a backend-owned storage.
 * Views share storage; `contiguous()` and ops produce new storage.
 */
export class Tensor {
  /** The backend memory this tensor reads; a tensor and its views share one. */
  readonly storage: Storage;
  /** The size of each dim (torch's shape), frozen. */
  readonly shape: Shape;
  /**
   * How many storage elements one step along each dim moves (torch's stride()); 0 on expanded dims.
   */
  readonly strides: Shape;
  /** Where element [0, ..., 0] sits in the storage (torch's storage_offset()). */
  readonly offset: number;
  /**
   * Whether autograd records the ops on this tensor and gives it a gradient (torch's
   * requires_grad). Set it with requiresGrad_, which checks the dtype.
   */
  requiresGrad = false;
  private gradValue: Tensor | null = null;
  /** The autograd node that made this tensor (torch's grad_fn); null for leaves. */
  gradFn: GradFn | null = null;
  /** The tensor this one is a view of, if any (views share its storage). */
  base: Tensor | null = null;
  /** Engine-private slots (hooks, retainGrad, output number); the tensor package never reads them. */
  autogradMeta: unknown = undefined;

  /**
   * A tensor viewing `storage` with the given layout. Ops and the factory functions (tensor, zeros,
   * ...) are the usual way to make one.
   */
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

  /** The element type (torch's dtype), the storage's. */
  get dtype(): DType {
    return this.storage.dtype;
  }
  /** The name of the backend that holds the storage: 'cpu', or a registered device. */
  get device(): string {
    return this.storage.backend.name;
  }
  /** The number of dims (torch's ndim). */
  get ndim(): number {
    return this.shape.length;
  }
  /**
   * Whether no recorded op made this tensor (torch's is_leaf): tensors made by the user, and
   * results computed without grad.
   */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** Incremented by every in-place write to the storage (autograd's version counter). */
  get version(): number {
    return this.storage.version;
  }

  /** The number of dims, as ndim (torch's dim()). */
  dim(): number {
    return this.shape.length;
  }
  /** The number of elements: the product of the shape, 1 for a 0-d tensor (torch's numel()). */
  numel(): number {
    return numelOf(this.shape);
  }
  /** The shape, or with `dim` (negative from the end) that dim's size (torch's size()). */
  size(): Shape;
  size(dim: number): number;
  size(dim?: number): Shape | number {
    return dim === undefined ? this.shape : this.shape[normalizeDim('size', dim, this.ndim)];
  }
  /** The strides, or with `dim` (negative from the end) that dim's stride (torch's stride()). */
  stride(): Shape;
  stride(dim: number): number;
  stride(dim?: number): Shape | number {
    return dim === undefined ? this.strides : this.strides[normalizeDim('stride', dim, this.ndim)];
  }
  /** Where element [0, ..., 0] sits in the storage, in elements (torch's storage_offset()). */
  storageOffset(): number {
    return this.offset;
  }
  /**
   * Whether the elements lie in row-major order without gaps (torch's is_contiguous()): the layout
   * view() can reshape freely.
   */
  isContiguous(): boolean {
    return isContiguousLayout(this.shape, this.strides);
  }

  /**
   * The elements in row-major order as a new typed array (int64 as Float64Array, bool as 0/1,
   * a complex element as its real and imaginary parts one after the other).
   */
  dataSync(): TypedArray {
    return this.storage.backend.read(this);
  }
  /**
   * The value of a one-element tensor as a JS number (torch's item()); bool gives 0 or 1. Other
   * sizes throw.
   */
  item(): number {
    if (isComplex(this.dtype))
      throw new DTypeError(
        `item: a ${this.dtype} element is two numbers; read z.real.item() and z.imag.item(), or tolist()`,
      );
    if (this.numel() !== 1) {
      throw new ValueError(
        `item: a Tensor with ${this.numel()} elements cannot be converted to Scalar`,
      );
    }
    return this.dataSync()[0];
  }
  /**
   * Nested arrays of numbers (booleans for bool tensors, [real, imaginary] pairs for complex
   * ones), as torch's tolist.
   */
  tolist(): unknown {
    const data = this.dataSync();
    const pairs = isComplex(this.dtype);
    const conv = this.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
    let k = 0;
    const leaf = () => (pairs ? [data[k++], data[k++]] : conv(data[k++]));
    const build = (d: number): unknown =>
      d === this.ndim ? leaf() : Array.from({ length: this.shape[d] }, () => build(d + 1));
    return build(0);
  }
  /**
   * The text PyTorch prints for this tensor, as tensor([...], dtype=..., grad_fn=<...>); summarized
   * past 1000 elements.
   */
  toString(): string {
    return formatTensor(this);
  }
  /** What Node's console.log and util.inspect show: toString(). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- conversion ----
  /**
   * Converts to a dtype or moves to a device (torch's to()); returns `this` when nothing changes,
   * unless `copy`. Differentiable.
   */
  to(target: DType | string, opts: { copy?: boolean } = {}): Tensor {
    return V.to(this, target, opts);
  }
  /** Converted to `dtype`, as to(dtype) (torch's type(dtype)). */
  type(dtype: DType): Tensor {
    return this.to(dtype);
  }
  /** Converted to float32, `this` if it already is (torch's float()). */
  float(): Tensor {
    return this.to('float32');
  }
  /** Converted to float64, `this` if it already is (torch's double()). */
  double(): Tensor {
    return this.to('float64');
  }
  /**
   * Converted to int32, `this` if it already is (torch's int()); floats are truncated toward zero.
   */
  int(): Tensor {
    return this.to('int32');
  }
  /**
   * Converted to int64, `this` if it already is (torch's long()); floats are truncated toward zero.
   */
  long(): Tensor {
    return this.to('int64');
  }
  /** Converted to bool (nonzero is true), `this` if it already is (torch's bool()). */
  bool(): Tensor {
    return this.to('bool');
  }
  /** A copy in new, row-major storage (torch's clone()); differentiable. */
  clone(): Tensor {
    return V.clone(this);
  }
  /** `this` if it is row-major contiguous, else a row-major copy (torch's contiguous()). */
  contiguous(): Tensor {
    return V.contiguous(this);
  }

  // ---- autograd ----
  /**
   * Sets requiresGrad in place and returns this (torch's requires_grad_()). Only floating tensors
   * can require grad, and only a leaf can stop (use detach() otherwise).
   */
  requiresGrad_(requiresGrad = true): this {
    if (requiresGrad && !isDifferentiableType(this.dtype)) {
      throw new DTypeError(
        `requiresGrad_: only Tensors of floating point and complex dtype can require gradients (got ${this.dtype})`,
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
    if (this.requiresGrad && !isDifferentiableType(value.dtype))
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
  /**
   * Cuts this tensor from the graph in place: it becomes a leaf that requires no grad (torch's
   * detach_()); returns this.
   */
  detach_(): this {
    this.gradFn = null;
    this.requiresGrad = false;
    return this;
  }
  /**
   * Backpropagates from this tensor, accumulating into the .grad of every leaf that requires grad
   * (torch's backward()). `gradient` is the gradient of this tensor, implied 1 for a one-element
   * one; needs @tensile/autograd imported.
   */
  backward(gradient?: Tensor, opts: BackwardOptions = {}): void {
    autogradEngine('backward()').backward(this, gradient, opts);
  }
  /**
   * Runs `hook` on this tensor's gradient each time backward computes it; a tensor it returns
   * replaces the gradient (torch's register_hook()). Only on a tensor that requires grad; the
   * handle removes the hook.
   */
  registerHook(hook: TensorHook): RemovableHandle {
    if (!this.requiresGrad)
      throw new ValueError(
        "registerHook: cannot register a hook on a tensor that doesn't require gradient",
      );
    return autogradEngine('registerHook()').registerHook(this, hook);
  }
  /**
   * Keeps this non-leaf tensor's gradient in .grad after backward, as leaves do (torch's
   * retain_grad()).
   */
  retainGrad(): void {
    autogradEngine('retainGrad()').retainGrad(this);
  }

  // ---- views ----
  /**
   * The same elements in a new shape, without a copy (torch's view()): sizes as arguments or one
   * array, one of them may be -1. Throws where the strides cannot express it (use reshape).
   */
  view(...shape: number[] | [Shape]): Tensor {
    return V.view(this, flat(shape));
  }
  /**
   * The same elements in a new shape (torch's reshape()): sizes as arguments or one array, one may
   * be -1. A view where the strides allow, else a copy.
   */
  reshape(...shape: number[] | [Shape]): Tensor {
    return V.reshape(this, flat(shape));
  }
  /** view(other.shape) (torch's view_as()); a view. */
  viewAs(other: Tensor): Tensor {
    return V.view(this, other.shape);
  }
  /** reshape(other.shape) (torch's reshape_as()). */
  reshapeAs(other: Tensor): Tensor {
    return V.reshape(this, other.shape);
  }
  /** The dims reordered, dim i of the result being dim dims[i] (torch's permute()); a view. */
  permute(...dims: number[] | [Shape]): Tensor {
    return V.permute(this, flat(dims));
  }
  /** Dims dim0 and dim1 swapped (torch's transpose()); a view. */
  transpose(dim0: number, dim1: number): Tensor {
    return V.transpose(this, dim0, dim1);
  }
  /** The transpose of a matrix; a 0-d or 1-D tensor comes back as it is (torch's t()). A view. */
  t(): Tensor {
    return V.t(this);
  }
  /** All dims reversed, the transpose for a matrix (torch's T); a view. */
  get T(): Tensor {
    return V.permute(
      this,
      this.shape.map((_, i) => this.ndim - 1 - i),
    );
  }
  /** The last two dims swapped: each matrix of a batch transposed (torch's mT); a view. */
  get mT(): Tensor {
    return V.transpose(this, -2, -1);
  }
  /**
   * The conjugate transpose of each matrix (torch's mH): mT for real tensors; a new tensor for
   * complex ones (conj copies, where PyTorch's is lazy).
   */
  get mH(): Tensor {
    return V.transpose(C.conj(this), -2, -1);
  }
  /** The real parts of a complex tensor, a view; a real tensor itself (torch's real). */
  get real(): Tensor {
    return C.real(this);
  }
  /** The imaginary parts of a complex tensor, a view; refused for real ones (torch's imag). */
  get imag(): Tensor {
    return C.imag(this);
  }
  /** Whether the dtype is complex64 or complex128 (torch's is_complex()). */
  isComplex(): boolean {
    return isComplex(this.dtype);
  }
  /** Whether the dtype is float32 or float64 (torch's is_floating_point()). */
  isFloatingPoint(): boolean {
    return isFloating(this.dtype);
  }
  /** Without its size-1 dims, or without those among `dim` (torch's squeeze()); a view. */
  squeeze(dim?: number | Shape): Tensor {
    return V.squeeze(this, dim);
  }
  /** With a new size-1 dim at `dim`, -1 appending one (torch's unsqueeze()); a view. */
  unsqueeze(dim: number): Tensor {
    return V.unsqueeze(this, dim);
  }
  /**
   * Broadcast to a larger shape without a copy (torch's expand()): sizes as arguments or one array,
   * -1 keeping a size. A view with stride 0 on the repeated dims, so not to be written in place.
   */
  expand(...shape: number[] | [Shape]): Tensor {
    return V.expand(this, flat(shape));
  }
  /** expand(other.shape) (torch's expand_as()); a view. */
  expandAs(other: Tensor): Tensor {
    return V.expand(this, other.shape);
  }
  /**
   * Dims startDim..endDim (inclusive) merged into one (torch's flatten()); a view where the strides
   * allow, else a copy.
   */
  flatten(startDim = 0, endDim = -1): Tensor {
    return V.flatten(this, startDim, endDim);
  }
  /**
   * Dim `dim` split into the dims `sizes`, one of which may be -1 (torch's unflatten()); a view.
   */
  unflatten(dim: number, sizes: Shape): Tensor {
    return V.unflatten(this, dim, sizes);
  }
  /** `length` elements of dim `dim` from `start` (torch's narrow()); a view. */
  narrow(dim: number, start: number, length: number): Tensor {
    return V.narrow(this, dim, start, length);
  }
  /**
   * The slice at `index` of dim `dim`, that dim removed: x[:, index] for dim 1 (torch's select());
   * a view.
   */
  select(dim: number, index: number): Tensor {
    return V.select(this, dim, index);
  }
  /**
   * x[start:end:step] along `dim`, as Python slices (null for an open end, negatives from the end);
   * a view.
   */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return V.slice(this, dim, start, end, step);
  }
  /**
   * Python-style indexing: `x.index(':', '1:3')` is `x[:, 1:3]`; see IndexSpec. A view, unless an
   * index is a tensor or a list (advanced indexing, which copies).
   */
  index(...specs: V.IndexSpec[]): Tensor {
    return V.index(this, specs);
  }
  /**
   * Dims `source` moved to the positions `destination`, the rest keeping their order (torch's
   * movedim()); a view.
   */
  movedim(source: number | Shape, destination: number | Shape): Tensor {
    return V.movedim(this, source, destination);
  }
  /**
   * The diagonal `offset` of the (dim1, dim2) planes, as a last dim replacing those two (torch's
   * diagonal()); a view.
   */
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return V.diagonal(this, offset, dim1, dim2);
  }
  /**
   * A view of the same storage with the given size, strides and storage offset (torch's
   * as_strided()).
   */
  asStrided(size: Shape, stride: Shape, storageOffset?: number): Tensor {
    return V.asStrided(this, size, stride, storageOffset);
  }
  /**
   * Every window of `size` elements along `dim`, `step` apart: that dim counts the windows and a
   * new last dim of `size` holds them (torch's Tensor.unfold). A view.
   */
  unfold(dim: number, size: number, step: number): Tensor {
    return V.unfold(this, dim, size, step);
  }
  /**
   * Pieces along `dim` of `splitSize` elements (the last may be smaller) or of the listed sizes
   * (torch's split()); views.
   */
  split(splitSize: number | Shape, dim = 0): Tensor[] {
    return J.split(this, splitSize, dim);
  }
  /** Up to `chunks` pieces of equal size along `dim`, the last smaller (torch's chunk()); views. */
  chunk(chunks: number, dim = 0): Tensor[] {
    return J.chunk(this, chunks, dim);
  }
  /** The slices along `dim`, each without that dim (torch's unbind()); views. */
  unbind(dim = 0): Tensor[] {
    return J.unbind(this, dim);
  }
  /**
   * Tiled sizes[i] times along each dim (torch's repeat()): sizes as arguments or one array, extra
   * leading sizes adding dims. A copy.
   */
  repeat(...sizes: number[] | [Shape]): Tensor {
    return J.repeat(this, flat(sizes));
  }
  /**
   * Repeated dims[i] times along each dim, missing leading entries counting as 1 (torch's tile()).
   * A copy.
   */
  tile(...dims: number[] | [Shape]): Tensor {
    return J.tile(this, flat(dims));
  }
  /** The order of elements reversed along each of the dims given (torch's flip()); a copy. */
  flip(...dims: number[] | [Shape]): Tensor {
    return J.flip(this, flat(dims));
  }
  /**
   * Shifted circularly by `shifts` along `dims`, or along the flattened tensor when dims are
   * omitted (torch's roll()); a copy.
   */
  roll(shifts: number | Shape, dims?: number | Shape): Tensor {
    return J.roll(this, shifts, dims);
  }

  // ---- elementwise ----
  /** this + alpha * other, broadcast and type-promoted (torch's add()). */
  add(other: TensorLike, opts?: { alpha?: number }): Tensor {
    return E.add(this, other, opts);
  }
  /** this - alpha * other, broadcast and type-promoted (torch's sub()). */
  sub(other: TensorLike, opts?: { alpha?: number }): Tensor {
    return E.sub(this, other, opts);
  }
  /** this * other, broadcast and type-promoted (torch's mul()). */
  mul(other: TensorLike): Tensor {
    return E.mul(this, other);
  }
  /**
   * this / other: true division (integers give a float), or rounded 'trunc' or 'floor' with
   * `roundingMode` (torch's div()).
   */
  div(other: TensorLike, opts?: E.DivOptions): Tensor {
    return E.div(this, other, opts);
  }
  /** this / other rounded toward -inf (torch's floor_divide(), Python's //). */
  floorDivide(other: TensorLike): Tensor {
    return E.floorDivide(this, other);
  }
  /** this to the power `exponent`, broadcast and type-promoted (torch's pow()). */
  pow(exponent: TensorLike): Tensor {
    return E.pow(this, exponent);
  }
  /** The larger of this and other elementwise, NaN winning (torch's maximum()). */
  maximum(other: Tensor): Tensor {
    return E.maximum(this, other);
  }
  /** The smaller of this and other elementwise, NaN winning (torch's minimum()). */
  minimum(other: Tensor): Tensor {
    return E.minimum(this, other);
  }
  /** The remainder of this / other with this's sign (torch's fmod()). */
  fmod(other: TensorLike): Tensor {
    return E.fmod(this, other);
  }
  /** The remainder of this / other with other's sign (torch's remainder(), Python's %). */
  remainder(other: TensorLike): Tensor {
    return E.remainder(this, other);
  }
  /**
   * The angle of the point (other, this): atan(this / other) in the right quadrant (torch's
   * atan2()).
   */
  atan2(other: TensorLike): Tensor {
    return E.atan2(this, other);
  }
  /** this + weight * (end - this) elementwise (torch's lerp()). */
  lerp(end: TensorLike, weight: TensorLike): Tensor {
    return E.lerp(this, end, weight);
  }
  /** -this elementwise (torch's neg()); not for bool. */
  neg(): Tensor {
    return E.neg(this);
  }
  /** |this| elementwise (torch's abs()), the modulus of complex elements; not for bool. */
  abs(): Tensor {
    return E.abs(this);
  }
  /** The complex conjugate (torch's conj()); a real tensor itself. */
  conj(): Tensor {
    return C.conj(this);
  }
  /** Each element's argument in radians (torch's angle()). */
  angle(): Tensor {
    return C.angle(this);
  }
  /** -1, 0 or 1 by the sign of each element (torch's sign()). */
  sign(): Tensor {
    return E.sign(this);
  }
  /** The square root of each element; integers and bools give the default float dtype. */
  sqrt(): Tensor {
    return E.sqrt(this);
  }
  /**
   * 1 / sqrt of each element (torch's rsqrt()); integers and bools give the default float dtype.
   */
  rsqrt(): Tensor {
    return E.rsqrt(this);
  }
  /** Each element squared (torch's square()). */
  square(): Tensor {
    return E.square(this);
  }
  /** e to the power of each element; integers and bools give the default float dtype. */
  exp(): Tensor {
    return E.exp(this);
  }
  /**
   * exp(x) - 1 of each element, accurate near 0; integers and bools give the default float dtype.
   */
  expm1(): Tensor {
    return E.expm1(this);
  }
  /** The natural logarithm of each element; integers and bools give the default float dtype. */
  log(): Tensor {
    return E.log(this);
  }
  /**
   * log(1 + x) of each element, accurate near 0; integers and bools give the default float dtype.
   */
  log1p(): Tensor {
    return E.log1p(this);
  }
  /** The base-2 logarithm of each element; integers and bools give the default float dtype. */
  log2(): Tensor {
    return E.log2(this);
  }
  /** The sine of each element (radians); integers and bools give the default float dtype. */
  sin(): Tensor {
    return E.sin(this);
  }
  /** The cosine of each element (radians); integers and bools give the default float dtype. */
  cos(): Tensor {
    return E.cos(this);
  }
  /** The tangent of each element (radians); integers and bools give the default float dtype. */
  tan(): Tensor {
    return E.tan(this);
  }
  /** The hyperbolic tangent of each element; integers and bools give the default float dtype. */
  tanh(): Tensor {
    return E.tanh(this);
  }
  /**
   * 1 / (1 + exp(-x)) of each element (torch's sigmoid()); integers and bools give the default
   * float dtype.
   */
  sigmoid(): Tensor {
    return E.sigmoid(this);
  }
  /** max(x, 0) elementwise, in this dtype (torch's relu()). */
  relu(): Tensor {
    return E.relu(this);
  }
  /** The Gauss error function of each element; integers and bools give the default float dtype. */
  erf(): Tensor {
    return E.erf(this);
  }
  /**
   * Each element limited to [min, max], either bound omissible (null) and possibly a tensor
   * (torch's clamp()).
   */
  clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return E.clamp(this, min, max);
  }
  /** clamp, under NumPy's name (torch's clip()). */
  clip(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return E.clamp(this, min, max);
  }
  /** Each element rounded to `decimals` places (default 0), halves to even (torch's round()). */
  round(opts?: { decimals?: number }): Tensor {
    return E.round(this, opts);
  }
  /** Each element rounded down, in this dtype (torch's floor()). */
  floor(): Tensor {
    return E.floor(this);
  }
  /** Each element rounded up, in this dtype (torch's ceil()). */
  ceil(): Tensor {
    return E.ceil(this);
  }
  /** Each element rounded toward zero, in this dtype (torch's trunc()). */
  trunc(): Tensor {
    return E.trunc(this);
  }
  /** The fractional part of each element, x - trunc(x) (torch's frac()). */
  frac(): Tensor {
    return E.frac(this);
  }
  /** 1 / x for each element; integers and bools give the default float dtype. */
  reciprocal(): Tensor {
    return E.reciprocal(this);
  }
  /** this == other elementwise, as a bool tensor (torch's eq()). */
  eq(other: TensorLike): Tensor {
    return E.eq(this, other);
  }
  /** this != other elementwise, as a bool tensor (torch's ne()). */
  ne(other: TensorLike): Tensor {
    return E.ne(this, other);
  }
  /** this < other elementwise, as a bool tensor (torch's lt()). */
  lt(other: TensorLike): Tensor {
    return E.lt(this, other);
  }
  /** this <= other elementwise, as a bool tensor (torch's le()). */
  le(other: TensorLike): Tensor {
    return E.le(this, other);
  }
  /** this > other elementwise, as a bool tensor (torch's gt()). */
  gt(other: TensorLike): Tensor {
    return E.gt(this, other);
  }
  /** this >= other elementwise, as a bool tensor (torch's ge()). */
  ge(other: TensorLike): Tensor {
    return E.ge(this, other);
  }
  /**
   * Whether each element is within atol + rtol * |other| of other, as a bool tensor (torch's
   * isclose()).
   */
  isclose(other: TensorLike, opts?: E.CloseOptions): Tensor {
    return E.isclose(this, other, opts);
  }
  /** Whether isclose holds for every element, as a JS boolean (torch's allclose()). */
  allclose(other: TensorLike, opts?: E.CloseOptions): boolean {
    return E.allclose(this, other, opts);
  }
  /** Whether other has the same shape and elements, as a JS boolean (torch's equal()). */
  equal(other: Tensor): boolean {
    return E.equal(this, other);
  }
  /** Both this and other nonzero, elementwise, as a bool tensor (torch's logical_and()). */
  logicalAnd(other: TensorLike): Tensor {
    return E.logicalAnd(this, other);
  }
  /** Either this or other nonzero, elementwise, as a bool tensor (torch's logical_or()). */
  logicalOr(other: TensorLike): Tensor {
    return E.logicalOr(this, other);
  }
  /**
   * Exactly one of this and other nonzero, elementwise, as a bool tensor (torch's logical_xor()).
   */
  logicalXor(other: TensorLike): Tensor {
    return E.logicalXor(this, other);
  }
  /** True where this is zero, as a bool tensor (torch's logical_not()). */
  logicalNot(): Tensor {
    return E.logicalNot(this);
  }
  /** True where this is NaN, as a bool tensor (torch's isnan()). */
  isnan(): Tensor {
    return E.isnan(this);
  }
  /** True where this is +inf or -inf, as a bool tensor (torch's isinf()). */
  isinf(): Tensor {
    return E.isinf(this);
  }
  /** True where this is neither NaN nor infinite, as a bool tensor (torch's isfinite()). */
  isfinite(): Tensor {
    return E.isfinite(this);
  }
  /** NaN, +inf and -inf replaced by finite values (torch's nan_to_num()). */
  nanToNum(opts?: E.NanToNumOptions): Tensor {
    return E.nanToNum(this, opts);
  }
  /** torch.where(condition, this, other): this where `condition` is true, else other. */
  where(condition: Tensor, other: TensorLike): Tensor {
    return E.where(condition, this, other);
  }

  // ---- in place ----
  /** In place: this += alpha * other (torch's add_()); returns this. */
  add_(other: TensorLike, opts?: { alpha?: number }): this {
    return E.binaryInplace('add', this, other, opts);
  }
  /** In place: this -= alpha * other (torch's sub_()); returns this. */
  sub_(other: TensorLike, opts?: { alpha?: number }): this {
    return E.binaryInplace('sub', this, other, opts);
  }
  /** In place: this *= other (torch's mul_()); returns this. */
  mul_(other: TensorLike): this {
    return E.binaryInplace('mul', this, other);
  }
  /**
   * In place: this /= other, rounded as `roundingMode` says (torch's div_()); returns this. An
   * integer tensor needs a rounding mode, as the float quotient does not fit it.
   */
  div_(other: TensorLike, opts?: E.DivOptions): this {
    return E.binaryInplace('div', this, other, opts);
  }
  /** In place: this to the power `exponent` (torch's pow_()); returns this. */
  pow_(exponent: TensorLike): this {
    return E.inplace('pow_', this, E.pow(E.original(this, exponent), exponent));
  }
  /** In place: -this (torch's neg_()); returns this. */
  neg_(): this {
    return E.inplace('neg_', this, E.neg(E.original(this)));
  }
  /** In place: |this| (torch's abs_()); returns this. */
  abs_(): this {
    return E.inplace('abs_', this, E.abs(E.original(this)));
  }
  /** In place: the square root of each element (torch's sqrt_()); returns this. */
  sqrt_(): this {
    return E.inplace('sqrt_', this, E.sqrt(E.original(this)));
  }
  /** In place: e to the power of each element (torch's exp_()); returns this. */
  exp_(): this {
    return E.inplace('exp_', this, E.exp(E.original(this)));
  }
  /** In place: the natural logarithm of each element (torch's log_()); returns this. */
  log_(): this {
    return E.inplace('log_', this, E.log(E.original(this)));
  }
  /** In place: max(x, 0) (torch's relu_()); returns this. */
  relu_(): this {
    return E.inplace('relu_', this, E.relu(E.original(this)));
  }
  /** In place: 1 / (1 + exp(-x)) (torch's sigmoid_()); returns this. */
  sigmoid_(): this {
    return E.inplace('sigmoid_', this, E.sigmoid(E.original(this)));
  }
  /** In place: the hyperbolic tangent (torch's tanh_()); returns this. */
  tanh_(): this {
    return E.inplace('tanh_', this, E.tanh(E.original(this)));
  }
  /** In place: each element limited to [min, max] (torch's clamp_()); returns this. */
  clamp_(min?: TensorLike | null, max?: TensorLike | null): this {
    return E.inplace('clamp_', this, E.clamp(E.original(this, min, max), min, max));
  }
  /** In place: this += weight * (end - this) (torch's lerp_()); returns this. */
  lerp_(end: TensorLike, weight: TensorLike): this {
    return E.inplace('lerp_', this, E.lerp(E.original(this, end, weight), end, weight));
  }
  /**
   * In place: this += value * t1 * t2, value defaulting to 1 (torch's addcmul_()); returns this.
   */
  addcmul_(t1: Tensor, t2: Tensor, opts: { value?: number } = {}): this {
    return E.inplace(
      'add_',
      this,
      E.add(E.original(this, t1, t2), E.mul(t1, t2), { alpha: opts.value ?? 1 }),
    );
  }
  /**
   * In place: this += value * t1 / t2, value defaulting to 1 (torch's addcdiv_()); returns this.
   */
  addcdiv_(t1: Tensor, t2: Tensor, opts: { value?: number } = {}): this {
    return E.inplace(
      'add_',
      this,
      E.add(E.original(this, t1, t2), E.div(t1, t2), { alpha: opts.value ?? 1 }),
    );
  }
  /** In place: `value` where the bool `mask` is true (torch's masked_fill_()); returns this. */
  maskedFill_(mask: Tensor, value: TensorLike): this {
    return E.inplace('maskedFill_', this, I.maskedFill(E.original(this, mask, value), mask, value));
  }
  /**
   * In place: src's values written at `index` along `dim`, as scatter (torch's scatter_()); returns
   * this.
   */
  scatter_(dim: number, index: Tensor, src: TensorLike, opts?: I.ScatterOptions): this {
    return E.inplace(
      'scatter_',
      this,
      I.scatter(E.original(this, index, src), dim, index, src, opts),
    );
  }
  /**
   * In place: src's values added at `index` along `dim`, as scatterAdd (torch's scatter_add_());
   * returns this.
   */
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this {
    return E.inplace(
      'scatterAdd_',
      this,
      I.scatterAdd(E.original(this, index, src), dim, index, src),
    );
  }
  /**
   * In place: `value` at the positions in `index` along `dim` (torch's index_fill_()); returns
   * this.
   */
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
  /**
   * In place: alpha times source's slices added at the positions in `index` along `dim`, as
   * indexAdd (torch's index_add_()); returns this.
   */
  indexAdd_(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): this {
    return E.inplace(
      'indexAdd_',
      this,
      I.indexAdd(E.original(this, index, source), dim, index, source, opts),
    );
  }
  /**
   * In place: `src` copied in, broadcast to this shape and cast to this dtype, from any device
   * (torch's copy_()); returns this. Differentiable wrt src.
   */
  copy_(src: TensorLike): this {
    return E.copy_(this, src);
  }
  /**
   * In place: every element set to `value`, a number or a tensor that broadcasts (torch's fill_());
   * returns this.
   */
  fill_(value: TensorLike): this {
    if (value instanceof Tensor && isComplex(value.dtype) && !isComplex(this.dtype))
      throw new DTypeError(
        `fill_: a ${value.dtype} value cannot be converted to ${this.dtype} (its imaginary part would be lost)`,
      );
    return E.copy_(this, value);
  }
  /** In place: every element set to 0 (torch's zero_()); returns this. */
  zero_(): this {
    return E.copy_(this, 0);
  }
  /** In place: samples uniform in [from, to) (torch's uniform_()); returns this. */
  uniform_(from = 0, to = 1, opts?: RND.GeneratorOption): this {
    return E.copy_(this, RND.uniformLike(this, from, to, opts));
  }
  /**
   * In place: normal samples with the given mean and standard deviation (torch's normal_());
   * returns this.
   */
  normal_(mean = 0, std = 1, opts?: RND.GeneratorOption): this {
    return E.copy_(this, RND.normalLike(this, mean, std, opts));
  }
  /**
   * In place: 1 with probability `p` (a number or a tensor that broadcasts), else 0 (torch's
   * bernoulli_()); returns this.
   */
  bernoulli_(p: TensorLike = 0.5, opts?: RND.GeneratorOption): this {
    return E.copy_(this, RND.bernoulliLike(this, p, opts));
  }

  // ---- reductions ----
  /**
   * The sum over `dim` (a dim or a list; all dims when omitted); integers sum to int64 (torch's
   * sum()).
   */
  sum(dim?: number | Shape, opts?: R.ReduceOptions): Tensor {
    return R.sum(this, dim, opts);
  }
  /** The mean over `dim` (all dims when omitted); floating tensors only (torch's mean()). */
  mean(dim?: number | Shape, opts?: R.ReduceOptions): Tensor {
    return R.mean(this, dim, opts);
  }
  /** The product over `dim`, or of all elements; integers give int64 (torch's prod()). */
  prod(dim?: number, opts?: R.ReduceOptions): Tensor {
    return R.prod(this, dim, opts);
  }
  /**
   * The largest element; with `dim`, [values, indices] along it; with a tensor, the elementwise
   * maximum (torch's max()).
   */
  max(): Tensor;
  max(dim: number, opts?: R.KeepdimOptions): ValuesIndices;
  max(other: Tensor): Tensor;
  max(arg?: number | Tensor, opts?: R.KeepdimOptions): Tensor | ValuesIndices {
    return R.max(this, arg as number, opts);
  }
  /**
   * The smallest element; with `dim`, [values, indices] along it; with a tensor, the elementwise
   * minimum (torch's min()).
   */
  min(): Tensor;
  min(dim: number, opts?: R.KeepdimOptions): ValuesIndices;
  min(other: Tensor): Tensor;
  min(arg?: number | Tensor, opts?: R.KeepdimOptions): Tensor | ValuesIndices {
    return R.min(this, arg as number, opts);
  }
  /** The maximum over `dim` (all dims when omitted), values only (torch's amax()). */
  amax(dim?: number | Shape, opts?: R.KeepdimOptions): Tensor {
    return R.amax(this, dim, opts);
  }
  /** The minimum over `dim` (all dims when omitted), values only (torch's amin()). */
  amin(dim?: number | Shape, opts?: R.KeepdimOptions): Tensor {
    return R.amin(this, dim, opts);
  }
  /**
   * The int64 index of the maximum along `dim`, or into the flattened tensor (torch's argmax()).
   */
  argmax(dim?: number, opts?: R.KeepdimOptions): Tensor {
    return R.argmax(this, dim, opts);
  }
  /**
   * The int64 index of the minimum along `dim`, or into the flattened tensor (torch's argmin()).
   */
  argmin(dim?: number, opts?: R.KeepdimOptions): Tensor {
    return R.argmin(this, dim, opts);
  }
  /**
   * Whether every element over `dim` (all dims when omitted) is nonzero, as bool (torch's all()).
   */
  all(dim?: number | Shape, opts?: R.KeepdimOptions): Tensor {
    return R.all(this, dim, opts);
  }
  /**
   * Whether some element over `dim` (all dims when omitted) is nonzero, as bool (torch's any()).
   */
  any(dim?: number | Shape, opts?: R.KeepdimOptions): Tensor {
    return R.any(this, dim, opts);
  }
  /** The standard deviation over `dim`, with Bessel's `correction` (default 1) (torch's std()). */
  std(dim?: number | Shape, opts?: R.VarOptions): Tensor {
    return R.std(this, dim, opts);
  }
  /** The variance over `dim`, with Bessel's `correction` (default 1) (torch's var()). */
  var(dim?: number | Shape, opts?: R.VarOptions): Tensor {
    return R.variance(this, dim, opts);
  }
  /** The vector p-norm (default 2) over `dim`, or over all elements (torch's norm()). */
  norm(p?: R.NormOrder, dim?: number | Shape, opts?: R.ReduceOptions): Tensor {
    return R.norm(this, p, dim, opts);
  }
  /** log(sum(exp(x))) over `dim`, computed stably (torch's logsumexp()). */
  logsumexp(dim: number | Shape, opts?: R.KeepdimOptions): Tensor {
    return R.logsumexp(this, dim, opts);
  }
  /** The running sum along `dim`; integers give int64 (torch's cumsum()). */
  cumsum(dim: number): Tensor {
    return R.cumsum(this, dim);
  }
  /** The running product along `dim`; integers give int64 (torch's cumprod()). */
  cumprod(dim: number): Tensor {
    return R.cumprod(this, dim);
  }
  /** exp(x) normalized to sum to 1 along `dim` (torch's softmax()). */
  softmax(dim: number): Tensor {
    return R.softmax(this, dim);
  }
  /** log(softmax(x)) along `dim`, computed stably (torch's log_softmax()). */
  logSoftmax(dim: number): Tensor {
    return R.logSoftmax(this, dim);
  }

  // ---- indexing ----
  /** The values at `index` along `dim`, in index's shape (torch's gather()). */
  gather(dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }
  /**
   * A copy with src's values written at `index` along `dim` (torch's scatter()); see scatter_ for
   * in place.
   */
  scatter(dim: number, index: Tensor, src: TensorLike, opts?: I.ScatterOptions): Tensor {
    return I.scatter(this, dim, index, src, opts);
  }
  /** A copy with src's values added at `index` along `dim` (torch's scatter_add()). */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return I.scatterAdd(this, dim, index, src);
  }
  /**
   * A copy with src's values reduced into the positions `index` picks along `dim` (torch's
   * scatter_reduce()).
   */
  scatterReduce(
    dim: number,
    index: Tensor,
    src: Tensor,
    reduce: I.ScatterReduceMode,
    opts?: { includeSelf?: boolean },
  ): Tensor {
    return I.scatterReduce(this, dim, index, src, reduce, opts);
  }
  /**
   * The slices at the positions in the 1-D `index` along `dim` (torch's index_select()); a copy.
   */
  indexSelect(dim: number, index: Tensor): Tensor {
    return I.indexSelect(this, dim, index);
  }
  /** The inverse of each square matrix (torch's inverse()); a singular one throws a LinAlgError. */
  inverse(): Tensor {
    return D.inverse(this);
  }
  /** The determinant of each square matrix (torch's det()). */
  det(): Tensor {
    return D.det(this);
  }
  /** [sign, logabsdet] of each square matrix's determinant (torch's slogdet()). */
  slogdet(): ReturnType<typeof D.slogdet> {
    return D.slogdet(this);
  }
  /** A copy with `value` at the positions in `index` along `dim` (torch's index_fill()). */
  indexFill(dim: number, index: Tensor, value: TensorLike): Tensor {
    return I.indexFill(this, dim, index, value);
  }
  /**
   * A copy with `values` put at the positions `indices` pick, as x[indices] = values (torch's
   * index_put()); `accumulate` adds instead.
   */
  indexPut(
    indices: readonly Tensor[],
    values: TensorLike,
    opts?: { accumulate?: boolean },
  ): Tensor {
    return I.indexPut(this, indices, values, opts);
  }
  /**
   * A copy with alpha times source's slices added at the positions in `index` along `dim` (torch's
   * index_add()).
   */
  indexAdd(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): Tensor {
    return I.indexAdd(this, dim, index, source, opts);
  }
  /** A copy with `value` where the bool `mask` is true (torch's masked_fill()). */
  maskedFill(mask: Tensor, value: TensorLike): Tensor {
    return I.maskedFill(this, mask, value);
  }
  /** The elements where `mask` is true, as a 1-D tensor (torch's masked_select()). */
  maskedSelect(mask: Tensor): Tensor {
    return I.maskedSelect(this, mask);
  }
  /** The elements of the flattened tensor at `index`, in index's shape (torch's take()). */
  take(index: Tensor): Tensor {
    return I.take(this, index);
  }
  /**
   * The coordinates of the nonzero elements, [count, ndim] int64, or one index tensor per dim with
   * `asTuple` (torch's nonzero()).
   */
  nonzero(): Tensor;
  nonzero(opts: { asTuple: true }): Tensor[];
  nonzero(opts?: { asTuple?: boolean }): Tensor | Tensor[] {
    return opts?.asTuple ? I.nonzero(this, { asTuple: true }) : I.nonzero(this);
  }
  /** Sorted along `dim` (default the last): [values, indices], stable (torch's sort()). */
  sort(dim = -1, opts?: I.SortOptions): ValuesIndices {
    return I.sort(this, dim, opts);
  }
  /** The int64 indices that sort along `dim` (torch's argsort()). */
  argsort(dim = -1, opts?: I.SortOptions): Tensor {
    return I.argsort(this, dim, opts);
  }
  /** The k largest (or smallest) elements along `dim`: [values, indices] (torch's topk()). */
  topk(k: number, dim = -1, opts?: I.TopkOptions): ValuesIndices {
    return I.topk(this, k, dim, opts);
  }

  // ---- linear algebra ----
  /** The matrix product with `other`, both 2-D (torch's mm()). */
  mm(other: Tensor): Tensor {
    return L.mm(this, other);
  }
  /** The batched matrix product with `other`, both 3-D (torch's bmm()). */
  bmm(other: Tensor): Tensor {
    return L.bmm(this, other);
  }
  /**
   * The matrix product with `other`, vectors and broadcast batch dims included (torch's matmul()).
   */
  matmul(other: Tensor): Tensor {
    return L.matmul(this, other);
  }
  /** The inner product of two 1-D tensors, as a 0-d tensor (torch's dot()). */
  dot(other: Tensor): Tensor {
    return L.dot(this, other);
  }
  /** The outer product of two 1-D tensors (torch's outer()). */
  outer(other: Tensor): Tensor {
    return L.outer(this, other);
  }
  /** The sum of the main diagonal of a matrix (torch's trace()). */
  trace(): Tensor {
    return L.trace(this);
  }
  /**
   * A vector placed on a diagonal of a new matrix, or a matrix's diagonal copied out (torch's
   * diag()).
   */
  diag(diagonal = 0): Tensor {
    return L.diag(this, diagonal);
  }
  /** A copy with the elements below diagonal `diagonal` zeroed (torch's triu()). */
  triu(diagonal = 0): Tensor {
    return L.triu(this, diagonal);
  }
  /** A copy with the elements above diagonal `diagonal` zeroed (torch's tril()). */
  tril(diagonal = 0): Tensor {
    return L.tril(this, diagonal);
  }
}
// A Tensor made by another copy of this package (its CJS build beside the ESM one) is a Tensor
// too: the copies share their state (shared.ts), and instanceof reads a brand (isTensor's).
brandClass(Tensor, 'Tensor');
defineTensorClass(Tensor);

function flat(args: number[] | [Shape]): Shape {
  return args.length === 1 && Array.isArray(args[0]) ? (args[0] as Shape) : (args as number[]);
}
