import { checkComplexDevice, getBackend } from '../devices';
import { apply } from '../dispatch';
import type { DType } from '../dtype';
import { DTYPES } from '../dtype';
import { checkIntArgs, DTypeError, fmtShape, IndexError, ShapeError, ValueError } from '../errors';
import type { AttrsOf } from '../op-map';
import {
  broadcastShapes,
  checkShape,
  inferShape,
  normalizeDim,
  normalizeDims,
  numelOf,
  type Shape,
  viewStrides,
} from '../shape';
import type { Tensor } from '../tensor';
import { isTensor, newTensor, wrapStorage } from '../tensor-base';

type ViewOp =
  | 'view'
  | 'expand'
  | 'permute'
  | 'slice'
  | 'select'
  | 'diagonal'
  | 'asStrided'
  | 'unfoldDim';

/** A view of x's storage; records `op` so gradients flow back through it. */
function makeView<K extends ViewOp>(
  op: K,
  x: Tensor,
  shape: Shape,
  strides: Shape,
  offset: number,
  attrs: Omit<AttrsOf<K>, 'inputShape'>,
): Tensor {
  // The spread of a generic Omit is not known to give back AttrsOf<K>; it does.
  return apply(op, [x], { inputShape: x.shape, ...attrs } as AttrsOf<K>, () => {
    const v = newTensor(x.storage, shape, strides, offset);
    v.base = x.base ?? x;
    return v;
  });
}

/** A copy of x in new, row-major storage (torch.clone); differentiable. */
export function clone(x: Tensor): Tensor {
  return apply('clone', [x], {}, () => wrapStorage(x.storage.backend.copy(x, x.dtype), x.shape));
}

/**
 * x itself when it is already row-major contiguous, else a row-major copy
 * (torch.Tensor.contiguous).
 */
export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : clone(x);
}

/**
 * x converted to a dtype (one of DTYPES) or moved to a registered device (torch.Tensor.to); x
 * itself when nothing changes, unless `copy`. Differentiable: the gradient is cast or moved back.
 */
export function to(x: Tensor, target: DType | string, opts: { copy?: boolean } = {}): Tensor {
  if ((DTYPES as readonly string[]).includes(target)) {
    const dtype = target as DType;
    if (dtype === x.dtype && !opts.copy) return x;
    return apply('cast', [x], { dtype: x.dtype }, () =>
      wrapStorage(x.storage.backend.copy(x, dtype), x.shape),
    );
  }
  if (target === x.device && !opts.copy) return x;
  checkComplexDevice('to', x.dtype, target);
  const dst = getBackend(target);
  return apply('toDevice', [x], { device: x.device }, () =>
    wrapStorage(dst.fromArray(x.dataSync(), x.dtype), x.shape),
  );
}

/**
 * x's elements read as `shape` without a copy (torch.Tensor.view): a view sharing x's storage. One
 * size may be -1 (inferred); throws where x's strides cannot express the shape (use reshape).
 */
export function view(x: Tensor, shape: Shape): Tensor {
  const target = inferShape('view', shape, x.numel(), x.shape);
  const strides = viewStrides(x.shape, x.strides, target);
  if (strides === null) {
    throw new ShapeError(
      `view: view size is not compatible with input tensor's size and stride (input shape ${fmtShape(x.shape)}, strides ${fmtShape(x.strides)}, requested ${fmtShape(target)}); at least one dimension spans across two contiguous subspaces. Use reshape(...) instead.`,
    );
  }
  return makeView('view', x, target, strides, x.offset, {});
}

/**
 * x with a new `shape` (one size may be -1): a view where the strides allow it, else a copy
 * (torch.reshape).
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const target = inferShape('reshape', shape, x.numel(), x.shape);
  const strides = viewStrides(x.shape, x.strides, target);
  if (strides !== null) return makeView('view', x, target, strides, x.offset, {});
  return view(clone(x), target);
}

/** x's dims reordered: dim i of the result is dim dims[i] of x (torch.permute); a view. */
export function permute(x: Tensor, dims: Shape): Tensor {
  return permuteAs('PermuteBackward0', x, dims);
}

/** permute, its node named as the PyTorch op it stands for (t, transpose). */
function permuteAs(gradName: string, x: Tensor, dims: Shape): Tensor {
  if (dims.length !== x.ndim) {
    throw new ShapeError(
      `permute: number of dims don't match in permute (input has ${x.ndim} dims, got ${dims.length}: ${fmtShape(dims)})`,
    );
  }
  const d = normalizeDims('permute', dims, x.ndim);
  return makeView(
    'permute',
    x,
    d.map((i) => x.shape[i]),
    d.map((i) => x.strides[i]),
    x.offset,
    { dims: d, gradName },
  );
}

/** x with dims dim0 and dim1 swapped (torch.transpose); a view. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const dims = x.shape.map((_, i) => i);
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  [dims[a], dims[b]] = [dims[b], dims[a]];
  return permuteAs('TransposeBackward0', x, dims);
}

/**
 * The transpose of a matrix; a 0-d or 1-D x comes back as it is (torch.t). A view; more than 2 dims
 * throw.
 */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2)
    throw new ShapeError(`t: expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  // A view even of a vector, as PyTorch's (its own node; in-place ops on it reach x).
  return permuteAs('TBackward0', x, x.ndim < 2 ? x.shape.map((_, i) => i) : [1, 0]);
}

/**
 * x with the dims `source` moved to the positions `destination`, the other dims keeping their order
 * (torch.movedim); a view.
 */
export function movedim(x: Tensor, source: number | Shape, destination: number | Shape): Tensor {
  const src = normalizeDims('movedim', typeof source === 'number' ? [source] : source, x.ndim);
  const dst = normalizeDims(
    'movedim',
    typeof destination === 'number' ? [destination] : destination,
    x.ndim,
  );
  if (src.length !== dst.length)
    throw new ValueError(
      `movedim: Invalid source or destination dims: source (${fmtShape(src)} dims) should contain the same number of dims as destination (${fmtShape(dst)} dims)`,
    );
  const order = new Array<number>(x.ndim).fill(-1);
  src.forEach((s, i) => {
    order[dst[i]] = s;
  });
  const rest = x.shape.map((_, i) => i).filter((i) => !src.includes(i));
  for (let i = 0, k = 0; i < x.ndim; i++) if (order[i] === -1) order[i] = rest[k++];
  return permute(x, order);
}

/**
 * x without its size-1 dims, or without those among `dim`, a dim or a list (dims named there of
 * another size stay) (torch.squeeze). A view.
 */
export function squeeze(x: Tensor, dim?: number | Shape): Tensor {
  const dims = dim === undefined ? x.shape.map((_, i) => i) : normalizeDims('squeeze', dim, x.ndim);
  const keep = x.shape.map((s, i) => !(s === 1 && dims.includes(i)));
  // PyTorch's nodes: squeeze() 0, squeeze(dim) 1, squeeze(dims) 2.
  const variant = dim === undefined ? 0 : typeof dim === 'number' ? 1 : 2;
  return makeView(
    'view',
    x,
    x.shape.filter((_, i) => keep[i]),
    x.strides.filter((_, i) => keep[i]),
    x.offset,
    { gradName: `SqueezeBackward${variant}` },
  );
}

/**
 * x with a new size-1 dim at `dim` (negative dims count from the end of the result: -1 appends); a
 * view (torch.unsqueeze).
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  const stride = d < x.ndim ? x.strides[d] * x.shape[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  return makeView('view', x, shape, strides, x.offset, { gradName: 'UnsqueezeBackward0' });
}

/**
 * x broadcast to `shape` without a copy (torch.Tensor.expand): size-1 dims repeat with stride 0,
 * new leading dims are added, and -1 keeps a size. A view: do not write into it in place.
 */
export function expand(x: Tensor, shape: Shape): Tensor {
  if (shape.length < x.ndim) {
    throw new ShapeError(
      `expand: the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`,
    );
  }
  const lead = shape.length - x.ndim;
  const outShape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const src = i - lead;
    const want = shape[i];
    if (src < 0) {
      if (want < 0)
        throw new ShapeError(`expand: -1 is not allowed in a leading, non-existing dimension ${i}`);
      outShape.push(want);
      strides.push(0);
    } else if (want === -1 || want === x.shape[src]) {
      outShape.push(x.shape[src]);
      strides.push(x.strides[src]);
    } else if (x.shape[src] === 1) {
      outShape.push(want);
      strides.push(0);
    } else {
      throw new ShapeError(
        `expand: the expanded size of the tensor (${want}) must match the existing size (${x.shape[src]}) at non-singleton dimension ${i}. Target sizes: ${fmtShape(shape)}. Tensor sizes: ${fmtShape(x.shape)}`,
      );
    }
  }
  checkShape('expand', outShape);
  return makeView('expand', x, outShape, strides, x.offset, {});
}

/**
 * x with the dims startDim..endDim (inclusive) merged into one (torch.flatten); a 0-d x gives shape
 * [1]. A view where the strides allow, else a copy, as reshape.
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e) throw new ValueError('flatten: start_dim cannot come after end_dim');
  const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** x with dim `dim` split into the dims `sizes`, one may be -1 (torch.unflatten); a view. */
export function unflatten(x: Tensor, dim: number, sizes: Shape): Tensor {
  const d = normalizeDim('unflatten', dim, x.ndim);
  const inner = inferShape('unflatten', sizes, x.shape[d], x.shape);
  return view(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

/**
 * x[start:end:step] along `dim`, Python's slice (indices clamped to the size, negatives from the
 * end, null for an open end; step > 0); a view.
 */
export function slice(
  x: Tensor,
  dim: number,
  start?: number | null,
  end?: number | null,
  step = 1,
): Tensor {
  const d = normalizeDim('slice', dim, x.ndim);
  if (!Number.isInteger(step) || step <= 0)
    throw new ValueError(`slice: slice step must be positive, got ${step}`);
  const n = x.shape[d];
  const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const s = clampIdx(start ?? 0);
  const e = Math.max(clampIdx(end ?? n), s);
  const len = Math.ceil((e - s) / step);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = len;
  strides[d] = x.strides[d] * step;
  return makeView('slice', x, shape, strides, x.offset + s * x.strides[d], {
    dim: d,
    start: s,
    end: e,
    step,
  });
}

/**
 * `length` elements of dim `dim` from `start`, negative from the end (torch.narrow); a view. Unlike
 * slice, a range past the end throws.
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkIntArgs('narrow', { start, length });
  const d = normalizeDim('narrow', dim, x.ndim);
  const n = x.shape[d];
  const s = start < 0 ? start + n : start;
  if (s < 0 || s > n || length < 0 || s + length > n) {
    throw new IndexError(
      `narrow: start (${start}) + length (${length}) exceeds dimension size (${n}) of input shape ${fmtShape(x.shape)}`,
    );
  }
  return slice(x, d, s, s + length);
}

/**
 * x[..., index, ...] at `dim`: that dim removed (torch.select; index negative from the end); a
 * view.
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.ndim === 0) throw new IndexError('select: select() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim('select', dim, x.ndim);
  const n = x.shape[d];
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new IndexError(
      `select: index ${index} is out of bounds for dimension ${d} with size ${n}`,
    );
  }
  const i = index < 0 ? index + n : index;
  return makeView(
    'select',
    x,
    x.shape.filter((_, k) => k !== d),
    x.strides.filter((_, k) => k !== d),
    x.offset + i * x.strides[d],
    { dim: d, index: i },
  );
}

/**
 * The diagonal `offset` of the (dim1, dim2) planes (torch.diagonal: offset > 0 above the main one,
 * < 0 below): those two dims removed and the diagonal appended as the last dim. A view.
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  checkIntArgs('diagonal', { offset });
  const a = normalizeDim('diagonal', dim1, x.ndim);
  const b = normalizeDim('diagonal', dim2, x.ndim);
  if (a === b)
    throw new ValueError(`diagonal: diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const len = Math.max(
    0,
    offset >= 0
      ? Math.min(x.shape[a], x.shape[b] - offset)
      : Math.min(x.shape[a] + offset, x.shape[b]),
  );
  const start = len === 0 ? 0 : offset >= 0 ? offset * x.strides[b] : -offset * x.strides[a];
  const rest = x.shape.map((_, i) => i).filter((i) => i !== a && i !== b);
  return makeView(
    'diagonal',
    x,
    [...rest.map((i) => x.shape[i]), len],
    [...rest.map((i) => x.strides[i]), x.strides[a] + x.strides[b]],
    x.offset + start,
    { offset, dim1: a, dim2: b },
  );
}

/**
 * A view of x's storage with the given size, strides and storage offset (torch.as_strided; the
 * offset defaults to x's own, and is into the storage, not relative to x). Negative strides are
 * refused; views that overlap themselves must not be written.
 */
export function asStrided(x: Tensor, size: Shape, stride: Shape, storageOffset = x.offset): Tensor {
  checkShape('asStrided', size);
  if (size.length !== stride.length)
    throw new ShapeError(
      `asStrided: mismatch in length of strides and shape (${size.length} vs ${stride.length})`,
    );
  checkIntArgs('asStrided', {
    storageOffset,
    ...Object.fromEntries(stride.map((s, i) => [`stride[${i}]`, s])),
  });
  if (storageOffset < 0)
    throw new ValueError(`asStrided: Tensor: invalid storage offset ${storageOffset}`);
  if (stride.some((s) => s < 0))
    throw new ValueError(`asStrided: negative strides are not supported, got ${fmtShape(stride)}`);
  let maxOff = storageOffset;
  size.forEach((s, i) => {
    if (s > 0) maxOff += (s - 1) * stride[i];
  });
  if (size.every((s) => s > 0) && maxOff >= x.storage.size) {
    throw new IndexError(
      `asStrided: setStorage: sizes ${fmtShape(size)}, strides ${fmtShape(stride)}, storage offset ${storageOffset} require a storage of ${maxOff + 1} elements, but it has ${x.storage.size}`,
    );
  }
  return makeView('asStrided', x, size, stride, storageOffset, {
    inputStrides: x.strides,
    inputOffset: x.offset,
    size,
    stride,
    storageOffset,
  });
}

/** Tensor.unfold: all windows of `size` along `dim` with `step`, as a new last dim (a view). */
export function unfold(x: Tensor, dim: number, size: number, step: number): Tensor {
  checkIntArgs('unfold', { size, step });
  const d = normalizeDim('unfold', dim, x.ndim);
  const n = x.ndim === 0 ? 1 : x.shape[d];
  if (size < 0) throw new ValueError(`unfold: size is ${size} but must be >= 0`);
  if (size > n)
    throw new ShapeError(
      `unfold: maximum size for tensor at dimension ${d} is ${n} but size is ${size}`,
    );
  if (step <= 0) throw new ValueError(`unfold: step is ${step} but must be > 0`);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = Math.floor((n - size) / step) + 1;
  strides[d] = x.strides[d] * step;
  return makeView('unfoldDim', x, [...shape, size], [...strides, x.strides[d] ?? 1], x.offset, {
    dim: d,
    size,
    step,
  });
}

/** Nested lists of indices (or of booleans, a mask), as Python's x[[0, 2]]. */
export type IndexList = readonly (number | boolean | IndexList)[];

/**
 * One entry of `Tensor.index`, Python's subscript: 0, -1, ':', '1:3', '::2', '...', null, a
 * Tensor, or a list of indices ([0, 2]: PyTorch's x[[0, 2]]).
 */
export type IndexSpec =
  | number
  | null
  | string
  | { start?: number | null; stop?: number | null; step?: number }
  | Tensor
  | IndexList;

function isIndexList(s: IndexSpec): s is IndexList {
  return Array.isArray(s);
}

/** A nested list's shape, read down its first entries, and its first leaf. */
function listShape(list: IndexList): { shape: number[]; first: unknown } {
  const shape: number[] = [];
  let level: unknown = list;
  for (; Array.isArray(level); level = level[0]) shape.push(level.length);
  return { shape, first: level };
}

/** A list index as the int64 (or, all booleans, bool) tensor PyTorch makes of it, on `like`'s device. */
function listIndex(list: IndexList, like: Tensor): Tensor {
  const { shape } = listShape(list);
  const flat = (list as unknown[]).flat(shape.length) as unknown[];
  const bools = flat.length > 0 && flat.every((v) => typeof v === 'boolean');
  if (flat.length !== numelOf(shape) || (!bools && !flat.every(Number.isInteger)))
    throw new IndexError(
      `index: a list index must be a rectangular list of integers (or of booleans), got ${JSON.stringify(list)}`,
    );
  const storage = getBackend('cpu').fromArray(
    Float64Array.from(flat, Number),
    bools ? 'bool' : 'int64',
  );
  const t = wrapStorage(storage, shape);
  return like.device === 'cpu' ? t : to(t, like.device);
}

function parseSlice(spec: string): { start: number | null; stop: number | null; step: number } {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3)
    throw new ValueError(
      `index: cannot parse slice '${spec}' (expected 'start:stop' or 'start:stop:step')`,
    );
  const num = (s: string | undefined) => {
    if (s === undefined || s.trim() === '') return null;
    const v = Number(s);
    if (!Number.isInteger(v))
      throw new ValueError(`index: slice bound '${s}' in '${spec}' is not an integer`);
    return v;
  };
  return { start: num(parts[0]), stop: num(parts[1]), step: num(parts[2]) ?? 1 };
}

/**
 * x indexed as Python's x[specs...] (Tensor.index): numbers select, slices ('1:3', '::2' or {start,
 * stop, step}) narrow, null inserts a dim, '...' skips dims. A view unless an index is a tensor or
 * list (advanced indexing), which gathers into a copy whose indexed dims are replaced by the
 * indices' broadcast shape, as PyTorch's.
 */
export function index(x: Tensor, specs: readonly IndexSpec[]): Tensor {
  const ellipsis = specs.filter((s) => s === '...').length;
  if (ellipsis > 1) throw new IndexError('index: an index can only have a single ellipsis');
  const consumed = specs.reduce<number>(
    (n, s) =>
      n +
      (s === null || s === '...'
        ? 0
        : isTensor(s) && s.dtype === 'bool'
          ? s.ndim
          : boolListDims(s)),
    0,
  );
  if (consumed > x.ndim)
    throw new IndexError(`index: too many indices for tensor of dimension ${x.ndim}`);
  let out = x;
  let dim = 0;
  const tensorDims: { dim: number; index: Tensor }[] = [];
  for (const spec of specs) {
    if (spec === '...') dim += x.ndim - consumed;
    else if (spec === null) out = unsqueeze(out, dim++);
    else if (typeof spec === 'number') out = select(out, dim, spec);
    else if (isIndexList(spec)) {
      const t = listIndex(spec, x);
      tensorDims.push({ dim, index: t });
      dim += t.dtype === 'bool' ? t.ndim : 1;
    } else if (isTensor(spec)) {
      tensorDims.push({ dim, index: spec });
      dim += spec.dtype === 'bool' ? spec.ndim : 1;
    } else {
      const s =
        typeof spec === 'string'
          ? parseSlice(spec)
          : { start: spec.start ?? null, stop: spec.stop ?? null, step: spec.step ?? 1 };
      checkIntArgs('index', { start: s.start, stop: s.stop, step: s.step });
      if (s.step <= 0) throw new ValueError(`index: step must be greater than zero, got ${s.step}`);
      out = slice(out, dim++, s.start, s.stop, s.step);
    }
  }
  return tensorDims.length > 0 ? advancedIndex(out, tensorDims) : out;
}

/** The dims a boolean list mask consumes (its depth); 1 for any other entry. */
function boolListDims(s: IndexSpec): number {
  if (!isIndexList(s)) return 1;
  const { shape, first } = listShape(s);
  return typeof first === 'boolean' ? shape.length : 1;
}

/** Bool masks become the integer indices of their true elements, one per masked dim. */
function expandMasks(x: Tensor, entries: readonly { dim: number; index: Tensor }[]) {
  return entries.flatMap(({ dim, index: idx }) => {
    if (idx.dtype !== 'bool' && idx.dtype !== 'uint8') {
      if (idx.dtype !== 'int64' && idx.dtype !== 'int32') {
        throw new DTypeError(
          `index: tensors used as indices must be long, int, byte or bool tensors, got ${idx.dtype}`,
        );
      }
      return [{ dim, index: idx }];
    }
    const covered = x.shape.slice(dim, dim + idx.ndim);
    if (covered.length < idx.ndim || covered.some((s, i) => s !== idx.shape[i])) {
      throw new IndexError(
        `index: the shape of the mask ${fmtShape(idx.shape)} does not match the shape of the indexed tensor ${fmtShape(x.shape)} starting at dim ${dim}`,
      );
    }
    const coords = idx.nonzero();
    return Array.from({ length: idx.ndim }, (_, k) => ({
      dim: dim + k,
      index: select(coords, 1, k),
    }));
  });
}

/**
 * Advanced indexing as PyTorch does it: the index tensors broadcast together; the indexed dims
 * are replaced by the broadcast shape, in place when they are adjacent, else in front.
 */
function advancedIndex(x: Tensor, entries: readonly { dim: number; index: Tensor }[]): Tensor {
  const parts = expandMasks(x, entries);
  const dims = parts.map((p) => p.dim);
  const sizes = dims.map((d) => x.shape[d]);
  const shape = broadcastShapes('index', ...parts.map((p) => p.index.shape));
  let linear: Tensor | null = null;
  let stride = 1;
  for (let k = parts.length - 1; k >= 0; k--) {
    const idx = parts[k].index;
    const n = sizes[k];
    if (idx.lt(-n).logicalOr(idx.ge(n)).any().item()) {
      throw new IndexError(`index: index out of range for dimension ${dims[k]} with size ${n}`);
    }
    const term = idx.remainder(n).mul(stride);
    linear = linear === null ? term : linear.add(term);
    stride *= n;
  }
  const rest = x.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const front = reshape(permute(x, [...dims, ...rest]), [stride, ...rest.map((d) => x.shape[d])]);
  const picked = front.indexSelect(0, reshape(expand(linear!, shape), [-1]));
  const out = reshape(picked, [...shape, ...rest.map((d) => x.shape[d])]);
  const adjacent = dims.every((d, k) => k === 0 || d === dims[k - 1] + 1);
  if (!adjacent || dims[0] === 0) return out;
  const b = shape.length;
  const order = [
    ...Array.from({ length: dims[0] }, (_, i) => b + i),
    ...Array.from({ length: b }, (_, i) => i),
  ];
  return permute(out, [
    ...order,
    ...Array.from({ length: out.ndim - order.length }, (_, i) => order.length + i),
  ]);
}
