import type { ScatterReduce } from '../backend';
import { apply, composite } from '../dispatch';
import { type DType, isComplex } from '../dtype';
import { DTypeError, fmtShape, IndexError, ShapeError, ValueError } from '../errors';
import { broadcastShapes, normalizeDim, sameShape } from '../shape';
import type { Tensor } from '../tensor';
import {
  checkIndexTensor,
  isTensor,
  type TensorLike,
  type ValuesIndices,
  valuesIndices,
  wrapStorage,
} from '../tensor-base';
import { checkSameDevice, operands } from './broadcast';
import { fromArray, zeros } from './create';
import * as E from './elementwise';
import * as V from './views';

/** `t` with its broadcast (stride-0) dims cut to one: each distinct element once, as a view. */
function distinct(t: Tensor): Tensor {
  return t.strides.reduce((v, s, d) => (s === 0 && t.shape[d] > 1 ? V.narrow(v, d, 0, 1) : v), t);
}

/** Rejects indices outside [-size, size) along `dim` and wraps negative ones. */
function checkedIndex(op: string, index: Tensor, size: number, dim: number): Tensor {
  checkIndexTensor(op, index);
  if (index.numel() === 0) return index;
  // Two reductions rather than a host copy of every index (gather's indices can be large),
  // over the distinct elements only: indexSelect's index is one row expanded over the input.
  const d = distinct(index);
  const lo = d.min().item();
  const hi = d.max().item();
  if (lo < -size || hi >= size) {
    const bad = index.dataSync().find((v) => v < -size || v >= size);
    throw new IndexError(
      `${op}(): index ${bad} is out of bounds for dimension ${dim} with size ${size}`,
    );
  }
  return lo < 0 ? E.remainder(index, size) : index;
}

function checkIndexShape(op: string, x: Tensor, dim: number, index: Tensor, src?: Tensor): void {
  checkSameDevice(op, x, index, src);
  if (index.ndim !== x.ndim && !(index.ndim <= 1 && x.ndim <= 1)) {
    throw new ShapeError(
      `${op}(): Index tensor must have the same number of dimensions as input tensor (index ${fmtShape(index.shape)}, input ${fmtShape(x.shape)})`,
    );
  }
  index.shape.forEach((s, d) => {
    if (d !== dim && s > (x.shape[d] ?? 1)) {
      throw new ShapeError(
        `${op}(): Size does not match at dimension ${d} expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${dim}`,
      );
    }
    if (src && s > (src.shape[d] ?? 1)) {
      throw new ShapeError(
        `${op}(): Expected index ${fmtShape(index.shape)} to be smaller than src ${fmtShape(src.shape)}`,
      );
    }
  });
}

/** Treats 0-d tensors as one-element vectors, as gather/scatter do in PyTorch. */
const atLeast1d = (t: Tensor) => (t.ndim === 0 ? V.view(t, [1]) : t);

/**
 * x's values at `index` along `dim` (torch.gather): for dim 0, out[i][j] = x[index[i][j]][j]. The
 * int32/int64 index has x's number of dims and no size larger than x's outside `dim`; the result
 * has index's shape. Differentiable wrt x.
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  return gatherAs('gather', x, dim, index);
}

/** gather, with errors naming `op` (the user's op, when a composite like indexSelect calls it). */
function gatherAs(op: string, x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim(op, dim, x.ndim);
  const xs = atLeast1d(x);
  checkIndexShape(op, xs, d, atLeast1d(index));
  const idx = atLeast1d(checkedIndex(op, index, xs.shape[d], d));
  const gradName = op === 'indexSelect' ? 'IndexSelectBackward0' : 'GatherBackward0';
  return apply('gather', [x, idx], { dim: d, gradName }, () =>
    wrapStorage(xs.storage.backend.gather(xs, d, idx), index.shape),
  );
}

/** scatter's optional reduction (torch.scatter's reduce). */
export interface ScatterOptions {
  /** Combine with the value already there instead of overwriting it. */
  reduce?: 'add' | 'multiply';
}

function scatterImpl(
  op: string,
  x: Tensor,
  dim: number,
  index: Tensor,
  src: TensorLike,
  reduce: ScatterReduce,
  includeSelf: boolean,
): Tensor {
  const d = normalizeDim(op, dim, x.ndim);
  const xs = atLeast1d(x);
  const source = isTensor(src)
    ? sourceAs(op, src, x.dtype)
    : V.expand(operands(op, [x, src], x.dtype)[1], index.shape);
  checkIndexShape(op, xs, d, atLeast1d(index), atLeast1d(source));
  const idx = atLeast1d(checkedIndex(op, index, xs.shape[d], d));
  // Only the part of src that index covers takes part, as in PyTorch.
  const srcView = V.asStrided(
    atLeast1d(source),
    idx.shape,
    atLeast1d(source).strides,
    atLeast1d(source).offset,
  );
  return apply('scatter', [x, idx, srcView], { dim: d, reduce, includeSelf }, () =>
    wrapStorage(xs.storage.backend.scatter(xs, d, idx, srcView, reduce, includeSelf), x.shape),
  );
}

/**
 * A copy of x with the values of `src` written at `index` along `dim` (torch.scatter): for dim 0,
 * out[index[i][j]][j] = src[i][j]. `src` is a number or a tensor of which only the part of index's
 * shape is read; `reduce` adds or multiplies instead. Not in place (Tensor.scatter_ is).
 */
export function scatter(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: TensorLike,
  opts: ScatterOptions = {},
): Tensor {
  const reduce: ScatterReduce =
    opts.reduce === 'add' ? 'sum' : opts.reduce === 'multiply' ? 'prod' : 'none';
  return scatterImpl('scatter', x, dim, index, src, reduce, true);
}

/**
 * A copy of x with the values of `src` added at `index` along `dim` (torch.scatter_add): for dim 0,
 * out[index[i][j]][j] += src[i][j], repeated positions adding up.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return scatterImpl('scatterAdd', x, dim, index, src, 'sum', true);
}

/** How scatterReduce combines the values that land on one position. */
export type ScatterReduceMode = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';

/**
 * A copy of x with the values of `src` reduced into the positions `index` picks along `dim`
 * (torch.scatter_reduce), by 'sum', 'prod', 'mean', 'amax' or 'amin'. With `includeSelf` (the
 * default) x's value takes part; without it, a position that receives values is reduced from them
 * alone.
 */
export function scatterReduce(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor,
  reduce: ScatterReduceMode,
  opts: { includeSelf?: boolean } = {},
): Tensor {
  if (!['sum', 'prod', 'mean', 'amax', 'amin'].includes(reduce)) {
    throw new ValueError(
      `scatterReduce(): reduce argument must be either sum, prod, mean, amax or amin, got ${reduce}`,
    );
  }
  return scatterImpl('scatterReduce', x, dim, index, src, reduce, opts.includeSelf ?? true);
}

/** The index along `dim`, laid out as a gather index for a tensor of `shape`. */
function alongDim(index: Tensor, shape: readonly number[], dim: number): Tensor {
  if (index.ndim > 1)
    throw new IndexError(
      `index_select(): Index is supposed to be a vector, got ${fmtShape(index.shape)}`,
    );
  const target = shape.map((s, d) => (d === dim ? index.numel() : s));
  return V.expand(
    V.view(
      index,
      shape.map((_, d) => (d === dim ? -1 : 1)),
    ),
    target,
  );
}

/**
 * The slices of x at the positions in the 1-D `index` along `dim`, in that order
 * (torch.index_select): a copy whose dim `dim` has index's length.
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim('indexSelect', dim, x.ndim);
  checkIndexTensor('indexSelect', index);
  if (x.ndim === 0)
    return gatherAs('indexSelect', x, 0, V.reshape(index, [-1])).reshape(
      index.ndim === 0 ? [] : [-1],
    );
  return gatherAs('indexSelect', x, d, alongDim(index, x.shape, d));
}

/**
 * A copy of x with alpha times the slices of `source` added at the positions in the 1-D `index`
 * along `dim` (torch.index_add): out.select(dim, index[i]) += alpha * source.select(dim, i),
 * repeated positions adding up.
 */
export function indexAdd(
  x: Tensor,
  dim: number,
  index: Tensor,
  source: Tensor,
  opts: { alpha?: number } = {},
): Tensor {
  const d = normalizeDim('indexAdd', dim, x.ndim);
  const src = opts.alpha === undefined || opts.alpha === 1 ? source : E.mul(source, opts.alpha);
  return scatterImpl('indexAdd', x, d, alongDim(index, source.shape, d), src, 'sum', true);
}

/**
 * x with `value` (a number or a 0-d tensor) where the bool `mask`, broadcast to x's shape, is true
 * (torch.masked_fill); a copy in x's dtype, differentiable wrt x and a tensor value.
 */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  if (mask.dtype !== 'bool') {
    throw new DTypeError(
      `maskedFill: only supports boolean masks, but got mask with dtype ${mask.dtype}`,
    );
  }
  const shape = broadcastShapes('maskedFill', x.shape, mask.shape);
  if (!sameShape(shape, x.shape)) {
    throw new ShapeError(
      `maskedFill: mask of shape ${fmtShape(mask.shape)} cannot be broadcast to the input shape ${fmtShape(x.shape)}`,
    );
  }
  if (isTensor(value) && value.ndim !== 0) {
    throw new ShapeError(
      `maskedFill: only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`,
    );
  }
  return fillWhere('maskedFill', x, mask, value);
}

/**
 * `value` where `mask` is set, else x, in x's dtype. PyTorch names the node by the fill (a
 * number value ...Backward0, a 0-d tensor ...Backward1).
 */
function fillWhere(op: 'maskedFill' | 'indexFill', x: Tensor, mask: Tensor, value: TensorLike) {
  if (isTensor(value) && value.ndim !== 0) {
    throw new ShapeError(
      `${op}: only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`,
    );
  }
  const v = isTensor(value) ? sourceAs(op, value, x.dtype) : operands(op, [x, value], x.dtype)[1];
  const gradName = `${op[0].toUpperCase()}${op.slice(1)}Backward${isTensor(value) ? 1 : 0}`;
  return apply('where', [mask, v, x], { gradName }, () => E.where(mask, v, x).to(x.dtype));
}

/** A [size] bool tensor on `device`, true at `positions` (wrapped already). */
function positionMask(size: number, positions: Tensor, device: string): Tensor {
  return composite('positionMask', [positions], { size }, () => {
    const hit = new Uint8Array(size);
    for (const p of positions.dataSync()) hit[Number(p)] = 1;
    return fromArray(hit, [size], { dtype: 'bool', device });
  });
}

/** x with the entries at `index` along `dim` set to `value` (torch.index_fill). */
export function indexFill(x: Tensor, dim: number, index: Tensor, value: TensorLike): Tensor {
  const d = normalizeDim('indexFill', dim, Math.max(x.ndim, 1));
  checkIndexTensor('indexFill', index);
  if (index.ndim > 1)
    throw new IndexError(`indexFill(): Index has to be a vector, got ${fmtShape(index.shape)}`);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  const hit = positionMask(size, checkedIndex('indexFill', index, size, d), x.device);
  const along = x.ndim === 0 ? [] : x.shape.map((s, i) => (i === d ? s : 1));
  return fillWhere('indexFill', x, V.view(hit, along), value);
}

/**
 * x with `values` put at the positions `indices` pick (torch.index_put: `x[indices] = values`),
 * or added there with `accumulate` (repeated positions then add up). `indices` index the
 * leading dims and broadcast together, as advanced indexing; a bool tensor stands for its
 * nonzero positions. Without accumulate a repeated position takes its last value, as PyTorch's
 * CPU kernel does.
 */
export function indexPut(
  x: Tensor,
  indices: readonly Tensor[],
  values: TensorLike,
  opts: { accumulate?: boolean } = {},
): Tensor {
  for (const t of indices) if (t.dtype !== 'bool') checkIndexTensor('indexPut', t);
  const dims = indices.flatMap((t) => (t.dtype === 'bool' ? nonzero(t, { asTuple: true }) : [t]));
  if (dims.length === 0 || dims.length > x.ndim)
    throw new IndexError(
      `indexPut: too many indices for tensor of dimension ${x.ndim} (got ${dims.length})`,
    );
  const lead = x.shape.slice(0, dims.length);
  const rest = x.shape.slice(dims.length);
  const picked = broadcastShapes('indexPut', ...dims.map((t) => t.shape));
  // The row-major position over the leading dims of each picked entry.
  const positions = V.reshape(
    dims
      .map((t, i) => checkedIndex('indexPut', V.expand(t, picked).contiguous(), lead[i], i))
      .reduce((flat, idx, i) => E.add(E.mul(flat, lead[i]), idx)),
    [-1],
  );
  const target = [...picked, ...rest];
  const v = isTensor(values)
    ? sourceAs('indexPut', values, x.dtype)
    : operands('indexPut', [x, values], x.dtype)[1];
  const fits =
    v.ndim <= target.length &&
    v.shape.every((s, i) => s === 1 || s === target[target.length - v.ndim + i]);
  if (!fits)
    throw new ShapeError(
      `indexPut: shape mismatch: value tensor of shape ${fmtShape(v.shape)} cannot be broadcast to indexing result of shape ${fmtShape(target)} (tensor of shape ${fmtShape(x.shape)}, indices of shape ${fmtShape(picked)})`,
    );
  const accumulate = !!opts.accumulate;
  return apply('indexPut', [x, v], { positions, picked, rest, accumulate }, () => {
    const rows = V.reshape(x, [-1, ...rest]);
    const src = V.reshape(V.expand(v, target), [-1, ...rest]);
    if (accumulate) return V.reshape(indexAdd(rows, 0, positions, src), x.shape);
    // The last source row for each position, so that one write wins as in PyTorch.
    const last = new Map<number, number>();
    positions.dataSync().forEach((p, i) => {
      last.set(Number(p), i);
    });
    const int64 = { dtype: 'int64', device: x.device } as const;
    const at = fromArray(Float64Array.from(last.keys()), [last.size], int64);
    const from = fromArray(Float64Array.from(last.values()), [last.size], int64);
    const blank = zeros(rows.shape, { dtype: x.dtype, device: x.device });
    const placed = indexAdd(blank, 0, at, indexSelect(src, 0, from));
    const mask = positionMask(rows.shape[0], at, x.device);
    const along = rows.shape.map((s, i) => (i === 0 ? s : 1));
    return V.reshape(E.where(V.view(mask, along), placed, rows), x.shape);
  });
}

/**
 * The coordinates of x's nonzero elements in row-major order, an int64 [count, x.ndim] tensor
 * (torch.nonzero); with `asTuple`, one 1-D index tensor per dim instead
 * (torch.nonzero(as_tuple=True)), as indexPut takes them. Reads x on the host.
 */
export function nonzero(x: Tensor): Tensor;
export function nonzero(x: Tensor, opts: { asTuple: true }): Tensor[];
export function nonzero(x: Tensor, opts: { asTuple?: boolean } = {}): Tensor | Tensor[] {
  const coords = composite('nonzero', [x], {}, () => nonzeroCoords(x));
  if (!opts.asTuple) return coords;
  if (x.ndim === 0) return [V.reshape(coords, [-1])];
  return Array.from({ length: x.ndim }, (_, d) => V.select(coords, 1, d).contiguous());
}

/**
 * Values written into a tensor of `dtype`, cast to it; a complex source into a real tensor is
 * refused, as PyTorch refuses it, since the cast would drop the imaginary parts.
 */
function sourceAs(op: string, src: Tensor, dtype: DType): Tensor {
  if (isComplex(src.dtype) && !isComplex(dtype))
    throw new DTypeError(
      `${op}: the values are ${src.dtype} and the tensor written is ${dtype}; a complex value cannot be written into a real tensor`,
    );
  return src.to(dtype);
}

function nonzeroCoords(x: Tensor): Tensor {
  // A complex element is nonzero where either part is.
  if (isComplex(x.dtype)) return nonzeroCoords(E.ne(x, 0));
  const data = x.dataSync();
  const strides = x.shape.map((_, d) => x.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const hits: number[] = [];
  data.forEach((v, i) => {
    if (v !== 0) hits.push(i);
  });
  const out = new Float64Array(hits.length * x.ndim);
  hits.forEach((flat, r) => {
    strides.forEach((s, d) => {
      out[r * x.ndim + d] = Math.floor(flat / s) % x.shape[d];
    });
  });
  return fromArray(out, [hits.length, x.ndim], { dtype: 'int64', device: x.device });
}

/**
 * The elements of x where `mask` (bool or uint8, broadcast with x) is true, as a 1-D tensor in
 * row-major order (torch.masked_select); differentiable wrt x.
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== 'bool' && mask.dtype !== 'uint8') {
    throw new DTypeError(
      `maskedSelect: expected BoolTensor or ByteTensor for mask, got ${mask.dtype}`,
    );
  }
  const shape = broadcastShapes('maskedSelect', x.shape, mask.shape);
  const flatX = V.reshape(V.expand(x, shape), [-1]);
  const hits = V.reshape(nonzero(V.reshape(V.expand(mask, shape), [-1])), [-1]);
  return indexSelect(flatX, 0, hits);
}

/**
 * The elements of x, read as 1-D in row-major order, at `index` (negatives count from the end), in
 * index's shape (torch.take).
 */
export function take(x: Tensor, index: Tensor): Tensor {
  const flat = V.reshape(x, [-1]);
  return V.view(
    indexSelect(flat, 0, checkedIndex('take', V.reshape(index, [-1]), flat.numel(), 0)),
    index.shape,
  );
}

/**
 * The one-hot encoding of the int64 `index` (torch.nn.functional.one_hot): int64 of shape
 * [...index.shape, numClasses], 1 at each index; numClasses -1 (the default) takes max(index) + 1.
 */
export function oneHot(index: Tensor, numClasses = -1): Tensor {
  // Read on the host: a composite, so a trace sees the op and never a constant.
  return composite('oneHot', [index], { numClasses }, () => oneHotOf(index, numClasses));
}

function oneHotOf(index: Tensor, numClasses: number): Tensor {
  if (index.dtype !== 'int64')
    throw new DTypeError(
      `oneHot: one_hot is only applicable to index tensor of type int64, got ${index.dtype}`,
    );
  const data = index.dataSync();
  let max = -1;
  for (const v of data) max = Math.max(max, v);
  if (data.some((v) => v < 0)) throw new ValueError('oneHot: Class values must be non-negative.');
  const n = numClasses === -1 ? max + 1 : numClasses;
  if (max >= n)
    throw new ValueError(
      `oneHot: Class values must be smaller than num_classes (${n}), got ${max}`,
    );
  const out = new Float64Array(data.length * n);
  data.forEach((v, i) => {
    out[i * n + v] = 1;
  });
  return fromArray(out, [...index.shape, n], { dtype: 'int64', device: index.device });
}

/** Options of sort and argsort. */
export interface SortOptions {
  /** Largest first (default false). */
  descending?: boolean;
  /** Accepted for PyTorch's signature: the sort is always stable. */
  stable?: boolean;
}

/**
 * x sorted along `dim` (default the last), ascending unless `descending`: [values, indices]
 * (torch.sort), the indices int64 into x. Stable, NaN sorting as the largest. The values come from
 * gathering with the sorted indices, so gradients flow through gather.
 */
export function sort(x: Tensor, dim = -1, opts: SortOptions = {}): ValuesIndices {
  const attrs = { dim, descending: !!opts.descending };
  return composite('sort', [x], attrs, () => sorted(x, dim, opts));
}

function sorted(x: Tensor, dim: number, opts: SortOptions): ValuesIndices {
  const xs = atLeast1d(x);
  const d = normalizeDim('sort', dim, xs.ndim);
  const [, idxStorage] = xs.storage.backend.sort(xs, d, !!opts.descending);
  const indices = wrapStorage(idxStorage, xs.shape);
  const values = gather(xs, d, indices);
  return x.ndim === 0
    ? valuesIndices(V.view(values, []), V.view(indices, []))
    : valuesIndices(values, indices);
}

/** The int64 indices that sort x along `dim` (torch.argsort): sort's indices. */
export function argsort(x: Tensor, dim = -1, opts: SortOptions = {}): Tensor {
  return sort(x, dim, opts).indices;
}

/** Options of topk. */
export interface TopkOptions {
  /** The k largest (default true), else the k smallest. */
  largest?: boolean;
  /** Accepted for PyTorch's signature: the results are always sorted. */
  sorted?: boolean;
}

/**
 * The k largest elements along `dim` (default the last), or the k smallest with `largest: false`,
 * best first: [values, indices] (torch.topk), the indices int64 into x; the values are
 * differentiable.
 */
export function topk(x: Tensor, k: number, dim = -1, opts: TopkOptions = {}): ValuesIndices {
  const d = normalizeDim('topk', dim, Math.max(x.ndim, 1));
  const n = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw new IndexError(`topk(): selected index k out of range (k=${k}, size ${n} at dim ${d})`);
  const largest = opts.largest ?? true;
  return composite('topk', [x], { k, dim: d, largest }, () => {
    const { values, indices } = sorted(x, d, { descending: largest });
    if (x.ndim === 0) return valuesIndices(values, indices);
    return valuesIndices(V.narrow(values, d, 0, k), V.narrow(indices, d, 0, k));
  });
}
