/**
 * Derivatives of views (gradients flow back into the viewed positions) and of the ops that
 * copy or rearrange without arithmetic: clone, casts, device moves, cat, flip.
 */
import { type OpName, split, type Tensor, zeros } from '@tensile/tensor';
import type { Formula, FormulaGroup, GradContext } from './formula';
import { gradAs, indexTensor, positions, scatterInto, sumTo, viewIndex } from './util';

/**
 * A view whose elements are distinct positions of its input (slice, select, diagonal): the
 * gradient is written into a zero tensor through the same view. A plain strided write, where
 * an index scatter would build an index as large as the input for every slice.
 */
function placing<K extends OpName>(
  name: string,
  view: (t: Tensor, c: GradContext<K>) => Tensor,
): Formula<K> {
  return {
    name,
    backward: (g, c) => {
      const z = zeros(c.inputShape(0), { dtype: g.dtype, device: g.device });
      view(z, c).copy_(g);
      return [z];
    },
  };
}

/**
 * A view that picks elements of its input, possibly more than once (unfold): the gradient is
 * summed back at the flat positions the same view takes from an arange. Overlapping windows
 * (unfold with step < size) add up, as they should.
 */
function picking<K extends OpName>(
  name: string,
  view: (t: Tensor, c: GradContext<K>) => Tensor,
): Formula<K> {
  return {
    name,
    backward: (g, c) => {
      const shape = c.inputShape(0);
      return [
        scatterInto(
          g,
          viewIndex(shape, (t) => view(t, c), g.device),
          shape,
        ),
      ];
    },
  };
}

/**
 * asStrided reads storage positions directly, so the gradient goes through storage: summed
 * into each position the output reads, then read back at the input's positions. An input whose
 * elements share positions (an expanded input) splits that gradient evenly, as PyTorch does.
 */
function asStridedGrad(g: Tensor, c: GradContext<'asStrided'>): Tensor {
  const shape = c.inputShape(0);
  const inPos = positions(shape, c.attrs.inputStrides, c.attrs.inputOffset);
  const outPos = positions(c.attrs.size, c.attrs.stride, c.attrs.storageOffset);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const p of [...inPos, ...outPos]) {
    lo = Math.min(lo, p);
    hi = Math.max(hi, p);
  }
  const span = inPos.length === 0 ? 0 : hi - lo + 1;
  const storage = scatterInto(
    g,
    indexTensor(
      outPos.map((p) => p - lo),
      g.device,
    ),
    [span],
  );
  const grad = storage
    .indexSelect(
      0,
      indexTensor(
        inPos.map((p) => p - lo),
        g.device,
      ),
    )
    .reshape(shape);
  const counts = new Map<number, number>();
  for (const p of inPos) counts.set(p, (counts.get(p) ?? 0) + 1);
  if (counts.size === inPos.length) return grad;
  const share = indexTensor(
    inPos.map((p) => counts.get(p)!),
    g.device,
  ).reshape(shape);
  return grad.div(share);
}

export const views = {
  view: { name: 'ViewBackward0', backward: (g, c) => [g.reshape(c.inputShape(0))] },
  permute: {
    name: 'PermuteBackward0',
    backward: (g, c) => {
      const dims = c.attrs.dims;
      const inverse = dims.map((_, i) => dims.indexOf(i));
      return [g.permute(inverse)];
    },
  },
  expand: { name: 'ExpandBackward0', backward: (g, c) => [sumTo(g, c.inputShape(0))] },
  slice: placing('SliceBackward0', (t, c) =>
    t.slice(c.attrs.dim, c.attrs.start, c.attrs.end, c.attrs.step),
  ),
  select: placing('SelectBackward0', (t, c) => t.select(c.attrs.dim, c.attrs.index)),
  diagonal: placing('DiagonalBackward0', (t, c) =>
    t.diagonal(c.attrs.offset, c.attrs.dim1, c.attrs.dim2),
  ),
  unfoldDim: picking('UnfoldBackward0', (t, c) =>
    t.unfold(c.attrs.dim, c.attrs.size, c.attrs.step),
  ),
  asStrided: { name: 'AsStridedBackward0', backward: (g, c) => [asStridedGrad(g, c)] },

  clone: { name: 'CloneBackward0', backward: (g) => [g] },
  cast: { name: 'ToCopyBackward0', backward: (g, c) => [gradAs(g, c.attrs.dtype)] },
  toDevice: { name: 'ToCopyBackward0', backward: (g, c) => [g.to(c.attrs.device)] },
  cat: {
    name: 'CatBackward0',
    backward: (g, c) => split(g, c.attrs.sizes, c.attrs.dim),
  },
  // Inputs: the stacked tensors; each gets its slice of the gradient along the new dim.
  stack: {
    name: 'StackBackward0',
    backward: (g, c) => g.unbind(c.attrs.dim),
  },
  flip: { name: 'FlipBackward0', backward: (g, c) => [g.flip(c.attrs.dims)] },
} satisfies FormulaGroup;
