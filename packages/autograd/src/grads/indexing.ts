/** Derivatives of gather and scatter (every indexing op of the tensor package is made of these). */
import { onesLike, type Shape, type Tensor, where, zeros, zerosLike } from '@tensile/tensor';
import type { FormulaGroup, GradContext } from './formula';

type Reduce = 'none' | 'sum' | 'prod' | 'mean' | 'amax' | 'amin';

/** gather and scatter treat a 0-d tensor as a one-element vector. */
const atLeast1d = (shape: Shape) => (shape.length === 0 ? [1] : shape);

interface Scatter {
  dim: number;
  index: Tensor;
  reduce: Reduce;
  includeSelf: boolean;
}

/**
 * PyTorch's scatter_reduce_backward: [grad for self, grad for src]. prod divides out each
 * factor but handles zeros exactly; amax/amin share the gradient evenly among tied extremes.
 */
function scatterGrads(g: Tensor, c: GradContext, s: Scatter): [Tensor | null, Tensor | null] {
  const { dim, index, reduce, includeSelf } = s;
  const self = () => c.input(0).reshape(atLeast1d(c.inputShape(0)));
  const src = () => c.input(2);
  const result = () => c.output().reshape(g.shape);
  const product = (x: Tensor, from: Tensor) =>
    x.scatterReduce(dim, index, from, 'prod', { includeSelf });
  switch (reduce) {
    case 'none':
      return [g.scatter(dim, index, 0), g.gather(dim, index)];
    case 'sum':
      return [g, g.gather(dim, index)];
    case 'mean': {
      const base = includeSelf ? onesLike(g) : zerosLike(g);
      const n = base.scatterAdd(dim, index, onesLike(src()));
      const count = n.maskedFill(n.eq(0), 1);
      return [g.div(count), g.gather(dim, index).div(count.gather(dim, index))];
    }
    case 'prod': {
      const x = self();
      const y = src();
      const masked = x.maskedFill(x.eq(0), 1);
      const gSelf = c.needs(0) ? g.mul(product(masked, y)).div(masked) : null;
      if (!c.needs(2)) return [gSelf, null];
      const zero = y.eq(0);
      const zerosThere = zerosLike(x).scatterAdd(dim, index, zero.to(x.dtype)).gather(dim, index);
      const single = zero.logicalAnd(zerosThere.eq(1));
      const others = product(x, y.maskedFill(single, 1));
      const gSrc = where(
        single,
        g.mul(others).gather(dim, index),
        g.mul(result()).gather(dim, index).div(y.maskedFill(zero, 1)),
      );
      return [gSelf, gSrc];
    }
    case 'amax':
    case 'amin': {
      const y = result();
      const selfIsResult = self().eq(y).to(g.dtype);
      const srcIsResult = src().eq(y.gather(dim, index)).to(g.dtype);
      const share = g.div(selfIsResult.scatterAdd(dim, index, srcIsResult));
      return [share.mul(selfIsResult), share.gather(dim, index).mul(srcIsResult)];
    }
  }
}

export const indexing = {
  // Inputs: x, index.
  gather: {
    name: 'GatherBackward0',
    backward: (g, c) => {
      const index = c.input(1);
      const shape = atLeast1d(c.inputShape(0));
      const zero = zeros(shape, { dtype: g.dtype, device: g.device });
      return [zero.scatterAdd(c.attrs.dim, index, g.reshape(index.shape)), null];
    },
  },
  // Inputs: x, values. `positions` are rows of x seen as [-1, ...rest]; values broadcast to
  // [...picked, ...rest]. Each value gets the gradient of where it was put (the engine sums it to
  // values' shape); x's gradient is cut where it was overwritten.
  indexPut: {
    name: 'IndexPutBackward0',
    backward: (g, c) => {
      const positions = c.attrs.positions;
      const picked = c.attrs.picked;
      const rest = c.attrs.rest;
      const rows = g.reshape([-1, ...rest]);
      const gx = c.attrs.accumulate ? g : rows.indexFill(0, positions, 0).reshape(g.shape);
      return [gx, rows.indexSelect(0, positions).reshape([...picked, ...rest])];
    },
  },
  // Inputs: x, index, src (already cut to index's shape). Every scatter flavour records this op.
  scatter: {
    name: (attrs) => (attrs.reduce === 'none' ? 'ScatterBackward0' : 'ScatterReduceBackward0'),
    backward: (g, c) => {
      const s: Scatter = {
        dim: c.attrs.dim,
        index: c.input(1),
        reduce: c.attrs.reduce,
        includeSelf: c.attrs.includeSelf,
      };
      const g1 = g.reshape(atLeast1d(c.inputShape(0)));
      let [gSelf, gSrc] = scatterGrads(g1, c, s);
      // Without includeSelf the scattered-to positions no longer depend on self at all.
      if (gSelf !== null && !s.includeSelf) gSelf = gSelf.scatter(s.dim, s.index, 0);
      return [c.needs(0) ? gSelf : null, null, c.needs(2) ? gSrc : null];
    },
  },
} satisfies FormulaGroup;
