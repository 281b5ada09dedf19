import { apply } from '../dispatch';
import { checkIntArgs, fmtShape, ShapeError, ValueError } from '../errors';
import { normalizeDim, normalizeDims, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { newTensor, wrapStorage } from '../tensor-base';
import { operands, resultTypeOf } from './broadcast';
import * as V from './views';

/**
 * The tensors joined along an existing dim `dim` (torch.cat): all sizes but that dim must match,
 * and the dtype is promoted over them. 1-D empty tensors are skipped, as PyTorch allows. A copy.
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('cat: expected a non-empty list of Tensors');
  // PyTorch skips 1-D empty tensors, a legacy allowance that code relies on.
  const parts = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  if (parts.length === 0) return tensors[0].clone();
  const ref = parts[0];
  if (ref.ndim === 0)
    throw new ShapeError('cat: zero-dimensional tensor (at position 0) cannot be concatenated');
  const d = normalizeDim('cat', dim, ref.ndim);
  parts.forEach((t, i) => {
    if (t.ndim !== ref.ndim || t.shape.some((s, k) => k !== d && s !== ref.shape[k])) {
      throw new ShapeError(
        `cat: Sizes of tensors must match except in dimension ${d}. Expected size ${fmtShape(ref.shape)} but got size ${fmtShape(t.shape)} for tensor number ${i} in the list.`,
      );
    }
  });
  const dtype = resultTypeOf(...parts);
  const inputs = operands('cat', parts, dtype).map((t) => (t.dtype === dtype ? t : t.to(dtype)));
  const sizes = inputs.map((t) => t.shape[d]);
  const shape = [...ref.shape];
  shape[d] = sizes.reduce((a, b) => a + b, 0);
  return apply('cat', inputs, { dim: d, sizes }, () => {
    const backend = ref.storage.backend;
    const out = wrapStorage(
      backend.alloc(
        dtype,
        shape.reduce((a, b) => a * b, 1),
      ),
      shape,
    );
    let offset = 0;
    for (const t of inputs) {
      backend.write(V.narrow(out, d, offset, t.shape[d]), t);
      offset += t.shape[d];
    }
    return out;
  });
}

/**
 * Equal-shaped tensors joined along a new dim at `dim`, which may also be their ndim to append
 * it (torch.stack). A copy, the dtype promoted as cat's.
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('stack: expects a non-empty TensorList');
  const ref = tensors[0];
  tensors.forEach((t, i) => {
    if (t.shape.length !== ref.shape.length || t.shape.some((s, k) => s !== ref.shape[k])) {
      throw new ShapeError(
        `stack: stack expects each tensor to be equal size, but got ${fmtShape(ref.shape)} at entry 0 and ${fmtShape(t.shape)} at entry ${i}`,
      );
    }
  });
  const d = normalizeDim('stack', dim, ref.ndim + 1);
  return apply('stack', tensors, { dim: d }, () =>
    cat(
      tensors.map((t) => V.unsqueeze(t, d)),
      d,
    ),
  );
}

/**
 * x cut along `dim` into pieces of `splitSize` (the last one may be smaller), or of the sizes in a
 * list, which must sum to the dim's size (torch.split). The pieces are views.
 */
export function split(x: Tensor, splitSize: number | Shape, dim = 0): Tensor[] {
  const d = normalizeDim('split', dim, x.ndim);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof splitSize === 'number') {
    checkIntArgs('split', { split_size: splitSize });
    if (splitSize < 0)
      throw new ValueError(
        `split: split expects split_size be non-negative, but got split_size=${splitSize}`,
      );
    if (!(splitSize > 0) && n > 0)
      throw new ValueError(
        `split: split_size can only be 0 if dimension size is 0, but got dimension size of ${n}`,
      );
    sizes = [];
    for (let s = 0; s < n; s += splitSize) sizes.push(Math.min(splitSize, n - s));
    if (sizes.length === 0) sizes.push(0);
  } else {
    sizes = [...splitSize];
    if (sizes.some((v) => !Number.isInteger(v) || v < 0))
      throw new ValueError(
        `split: split_with_sizes expects split_sizes have only non-negative integer entries, but got split_sizes=${fmtShape(sizes)}`,
      );
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n)
      throw new ShapeError(
        `split: split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=${fmtShape(sizes)}`,
      );
  }
  let start = 0;
  return sizes.map((len) => {
    const part = V.narrow(x, d, start, len);
    start += len;
    return part;
  });
}

/**
 * x cut along `dim` into `chunks` pieces of equal size ceil(n / chunks), the last smaller; fewer
 * pieces when n does not fill them (torch.chunk). The pieces are views.
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0)
    throw new ValueError(`chunk: chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normalizeDim('chunk', dim, x.ndim);
  return split(x, Math.max(1, Math.ceil(x.shape[d] / chunks)), d);
}

/** The slices of x along `dim`, each without that dim (torch.unbind); views. */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim('unbind', dim, x.ndim);
  return Array.from({ length: x.shape[d] }, (_, i) => V.select(x, d, i));
}

/**
 * Coordinate grids from 0-d or 1-D tensors (torch.meshgrid): each output has shape [n0, n1, ...]
 * and varies along its own input's dim. 'ij' (default) is matrix indexing; 'xy' swaps the first two
 * dims, as numpy. The grids are expanded views of the inputs.
 */
export function meshgrid(
  tensors: readonly Tensor[],
  opts: { indexing?: 'ij' | 'xy' } = {},
): Tensor[] {
  const indexing = opts.indexing ?? 'ij';
  tensors.forEach((t) => {
    if (t.ndim > 1)
      throw new ShapeError(
        `meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${fmtShape(t.shape)}`,
      );
  });
  const swap = indexing === 'xy' && tensors.length >= 2;
  const order = swap ? [tensors[1], tensors[0], ...tensors.slice(2)] : [...tensors];
  const shape = order.map((t) => t.numel());
  const grids = order.map((t, i) =>
    V.expand(
      V.reshape(
        t,
        shape.map((s, k) => (k === i ? s : 1)),
      ),
      shape,
    ),
  );
  // 'xy' builds the grid with the first two inputs swapped, then hands them back in input order.
  return swap ? [grids[1], grids[0], ...grids.slice(2)] : grids;
}

/**
 * x tiled `sizes[i]` times along each dim (torch.Tensor.repeat); `sizes` may have more entries than
 * x has dims, which adds leading dims. A copy.
 */
export function repeat(x: Tensor, sizes: Shape): Tensor {
  if (sizes.length < x.ndim) {
    throw new ShapeError(
      `repeat: Number of dimensions of repeat dims (${sizes.length}) can not be smaller than number of dimensions of tensor (${x.ndim})`,
    );
  }
  const src = V.reshape(x, [...new Array(sizes.length - x.ndim).fill(1), ...x.shape]);
  // [a, b] repeated [r, s] is [r, a, s, b] expanded from [1, a, 1, b], then merged.
  const interleaved = src.shape.flatMap((s) => [1, s]);
  const expanded = src.shape.flatMap((s, i) => [sizes[i], s]);
  return V.reshape(
    V.expand(V.reshape(src, interleaved), expanded),
    src.shape.map((s, i) => s * sizes[i]),
  );
}

/**
 * x repeated `dims[i]` times along each dim (torch.tile): as repeat, but fewer entries than x's
 * dims count as leading 1s. A copy.
 */
export function tile(x: Tensor, dims: Shape): Tensor {
  const full = dims.length < x.ndim ? [...new Array(x.ndim - dims.length).fill(1), ...dims] : dims;
  return repeat(x, full);
}

/** x with the order of elements along each of `dims` reversed (torch.flip); a copy. */
export function flip(x: Tensor, dims: Shape): Tensor {
  const ds = normalizeDims('flip', dims, x.ndim);
  return apply('flip', [x], { dims: ds }, () => {
    let offset = x.offset;
    const strides = x.strides.map((s, d) => {
      if (!ds.includes(d) || x.shape[d] === 0) return s;
      offset += (x.shape[d] - 1) * s;
      return -s;
    });
    return newTensor(x.storage, x.shape, strides, offset).clone();
  });
}

/**
 * x shifted circularly by `shifts` along `dims` (torch.roll): elements pushed past the end come
 * back at the start. Without dims, x is rolled as if flattened. A copy.
 */
export function roll(x: Tensor, shifts: number | Shape, dims?: number | Shape): Tensor {
  const all = typeof shifts === 'number' ? [shifts] : shifts;
  if (!Array.isArray(all) || all.some((s) => !Number.isInteger(s)))
    throw new ValueError(`roll: shifts must be integers, but got ${String(shifts)}`);
  if (dims === undefined) return V.view(roll(V.reshape(x, [-1]), shifts, 0), x.shape);
  const sh = typeof shifts === 'number' ? [shifts] : shifts;
  const ds = typeof dims === 'number' ? [dims] : dims;
  if (sh.length !== ds.length)
    throw new ValueError(
      `roll: shifts and dimensions must align. shifts: ${sh.length}, dims: ${ds.length}`,
    );
  let out = x;
  sh.forEach((s, i) => {
    const d = normalizeDims('roll', [ds[i]], x.ndim)[0];
    const n = x.shape[d];
    if (n === 0) return;
    const k = ((s % n) + n) % n;
    if (k !== 0) out = cat([V.narrow(out, d, n - k, k), V.narrow(out, d, 0, n - k)], d);
  });
  return out === x ? x.clone() : out;
}
