import { fmtShape, IndexError, ShapeError, ValueError } from './errors';

export type Shape = readonly number[];

/** The number of elements of a tensor of `shape` (1 for a 0-d shape, 0 if any size is 0). */
export function numelOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides for `shape`, in elements: [12, 4, 1] for [2, 3, 4] (torch's stride()). */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when iterating the view in row-major order walks the storage with stride 1. */
export function isContiguousLayout(shape: Shape, strides: Shape): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** Wraps a possibly negative dim into [0, ndim), as PyTorch's maybe_wrap_dim does. */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new IndexError(
      `${op}: Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalizes a dim list, rejecting repeats (sum(x, [0, 0]) is an error in PyTorch too). */
export function normalizeDims(
  op: string,
  dims: number | readonly number[] | undefined,
  ndim: number,
): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = list.map((d) => normalizeDim(op, d, ndim));
  if (new Set(out).size !== out.length) {
    throw new ValueError(
      `${op}: dim ${out.find((d, i) => out.indexOf(d) !== i)} appears multiple times in the list of dims`,
    );
  }
  return out;
}

/**
 * The shape `shapes` broadcast to together (torch.broadcast_shapes): aligned from the right, size
 * 1 stretches; a mismatch is a ShapeError naming `op` and every shape.
 */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = ndim - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast together ` +
            `(size ${out[o]} vs size ${d} at non-singleton dimension ${o})`,
        );
      }
    }
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if expanded to `target` (0 on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: Shape, target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[lead + i] = shape[i] === 1 && target[lead + i] !== 1 ? 0 : strides[i];
  }
  return out;
}

/** Whether two shapes are equal, size for size. */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function checkShape(op: string, shape: Shape): number[] {
  if (!Array.isArray(shape))
    throw new ValueError(
      `${op}: expected a size as an array of integers, but got ${String(shape)}`,
    );
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(
        `${op}: sizes must be non-negative integers, but got ${fmtShape(shape)}`,
      );
    }
  }
  return [...shape];
}

/**
 * checkShape for a tensor about to be allocated. A typed array holds at most 2^32 - 1
 * elements (V8); past it the allocation's own error would not name the op. (Views such as
 * expand's may be larger: they allocate nothing.)
 */
export function checkNewShape(op: string, shape: Shape): number[] {
  const out = checkShape(op, shape);
  const numel = numelOf(out);
  if (numel > 2 ** 32 - 1)
    throw new ValueError(
      `${op}: a tensor of size ${fmtShape(out)} has ${numel} elements, more than the 2^32 - 1 a CPU tensor can hold`,
    );
  return out;
}

/** Resolves a single -1 in a requested shape against numel, as view/reshape do. */
export function inferShape(op: string, shape: Shape, numel: number, from: Shape): number[] {
  const out = [...shape];
  const neg = out.indexOf(-1);
  if (neg !== out.lastIndexOf(-1))
    throw new ValueError(`${op}: only one dimension can be inferred`);
  const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (neg >= 0) {
    if (known === 0 || numel % known !== 0) {
      throw new ShapeError(
        `${op}: shape '${fmtShape(shape)}' is invalid for input of size ${numel} (input shape ${fmtShape(from)})`,
      );
    }
    out[neg] = numel / known;
  }
  checkShape(op, out);
  if (numelOf(out) !== numel) {
    throw new ShapeError(
      `${op}: shape '${fmtShape(shape)}' is invalid for input of size ${numel} (input shape ${fmtShape(from)})`,
    );
  }
  return out;
}

/**
 * Strides for viewing (shape, strides) as newShape without a copy, or null when the layout
 * does not allow it (PyTorch's computeStride: split/merge only within contiguous chunks).
 */
export function viewStrides(shape: Shape, strides: Shape, newShape: Shape): number[] | null {
  const numel = numelOf(shape);
  if (numel === 0 || shape.length === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return out;
}

/** Whether strides never grow from one dim to the next (row-major order, or a view of it). */
export function stridesDescend(strides: Shape): boolean {
  for (let d = 1; d < strides.length; d++) if (strides[d] > strides[d - 1]) return false;
  return true;
}

/** The dims ordered as `strides` lay them out in memory, outermost first (ties keep their order). */
export function dimsByStride(strides: Shape): number[] {
  return strides.map((_, d) => d).sort((p, q) => strides[q] - strides[p] || p - q);
}
