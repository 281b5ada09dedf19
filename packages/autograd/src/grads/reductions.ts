/** Derivatives of the reductions (sum, prod, amax/amin), scans, and softmax. */
import {
  type AttrsOf,
  arange,
  cat,
  onesLike,
  type ReduceOp,
  type Tensor,
  where,
} from '@tensile/tensor';
import type { TensorMeta } from '../node';
import type { Formula, FormulaGroup, GradContext } from './formula';
import { keptShape } from './util';

type Reduction = ReduceOp | 'mean' | 'norm';
const dimsOf = (c: GradContext<Reduction>) => c.attrs.dims;
/** Whether a recorded reduction is over every dim of its input (PyTorch names the two apart). */
const reducesAll = (attrs: AttrsOf<'sum'>, inputs: readonly (TensorMeta | null)[]) =>
  attrs.dims.length === inputs[0]?.shape.length;
/** Sum/prod name their full reduction ...Backward0 and the one over dims ...Backward1. */
const byDims = (op: string) => (attrs: AttrsOf<'sum'>, inputs: readonly (TensorMeta | null)[]) =>
  `${op}Backward${reducesAll(attrs, inputs) ? 0 : 1}`;

/** The reduced output (recorded without keepdim) or its gradient, with the reduced dims as 1. */
const unreduce = (t: Tensor, c: GradContext<Reduction>) =>
  t.reshape(keptShape(c.inputShape(0), dimsOf(c)));

/** Reverse cumulative sum: the gradient of cumsum. */
const reverseCumsum = (g: Tensor, d: number) => g.flip([d]).cumsum(d).flip([d]);

/**
 * prod's gradient along `d`: grad * prod / x, as PyTorch (so a NaN spreads over its slice); when
 * some x are 0 that divides by zero, so the product of the elements before i times those after
 * it (two exclusive cumprods) is used instead.
 */
function prodGrad(g: Tensor, x: Tensor, y: Tensor, d: number): Tensor {
  const n = x.shape[d];
  if (!x.eq(0).any().item()) return g.mul(y.div(x));
  const ones = onesLike(x.narrow(d, 0, 1));
  const before = cat([ones, x.narrow(d, 0, n - 1)], d).cumprod(d);
  const after = cat([ones, x.narrow(d, 1, n - 1).flip([d])], d)
    .cumprod(d)
    .flip([d]);
  return g.mul(before).mul(after);
}

/**
 * cumprod's gradient when x has zeros, where sum(g * y) / x divides by zero:
 * dx_k = prod_{i<k} x_i * sum_{j>=k} g_j * prod_{k<i<=j} x_i, built as an n x n cumprod.
 */
function cumprodGradWithZeros(g: Tensor, x: Tensor, d: number): Tensor {
  const n = x.shape[d];
  const xm = x.movedim(d, -1);
  const lead = xm.shape.slice(0, -1);
  const i = arange(n, undefined, 1, { device: x.device });
  const after = i.unsqueeze(0).gt(i.unsqueeze(1)); // [k, i]: i > k
  const upper = i.unsqueeze(0).ge(i.unsqueeze(1)); // [k, j]: j >= k
  const spans = where(after, xm.unsqueeze(-2).expand([...lead, n, n]), 1).cumprod(-1);
  const inner = where(upper, spans, 0).mul(g.movedim(d, -1).unsqueeze(-2)).sum(-1);
  const ones = onesLike(xm.narrow(-1, 0, 1));
  const before = cat([ones, xm.narrow(-1, 0, n - 1)], -1).cumprod(-1);
  return before.mul(inner).movedim(-1, d);
}

/**
 * The gradient is shared evenly among the tied extremes. Over all dims (max(), min()) a NaN
 * result goes to the NaN inputs; amax/amin over some dims give the whole slice NaN, as PyTorch.
 */
function extreme(op: 'Max' | 'Min'): Formula<'max' | 'min'> {
  return {
    name: (attrs, inputs) =>
      reducesAll(attrs, inputs) ? `${op}Backward1` : `A${op.toLowerCase()}Backward0`,
    backward: (g, c) => {
      const x = c.input(0);
      const y = unreduce(c.output(), c);
      let mask = x.eq(y);
      if (dimsOf(c).length === x.ndim) mask = mask.logicalOr(x.isnan().logicalAnd(y.isnan()));
      return [
        unreduce(g, c)
          .div(mask.sum(dimsOf(c), { keepdim: true }))
          .mul(mask),
      ];
    },
  };
}

export const reductions = {
  sum: {
    name: byDims('Sum'),
    backward: (g, c) => [unreduce(g, c).expand(c.inputShape(0))],
  },
  mean: {
    name: byDims('Mean'),
    backward: (g, c) => [unreduce(g, c).div(c.attrs.count).expand(c.inputShape(0))],
  },
  prod: {
    name: byDims('Prod'),
    backward: (g, c) => {
      const x = c.input(0);
      const dims = dimsOf(c);
      const y = c.output();
      // prod reduces one dim or all of them; the full reduction is one over the flattened input.
      if (dims.length === 1 && x.ndim > 1) {
        return [prodGrad(unreduce(g, c), x, unreduce(y, c), dims[0])];
      }
      return [prodGrad(g.reshape([1]), x.reshape([-1]), y.reshape([1]), 0).reshape(x.shape)];
    },
  },
  norm: {
    name: 'LinalgVectorNormBackward0',
    backward: (g, c) => {
      // The subgradient at a zero norm is 0, as PyTorch's.
      const y = unreduce(c.output(), c);
      return [c.input(0).mul(where(y.eq(0), 0, unreduce(g, c).div(y)))];
    },
  },
  max: extreme('Max'),
  min: extreme('Min'),
  // A 0-d input is scanned as a one-element vector; the engine sums the gradient back to 0-d.
  cumsum: {
    name: 'CumsumBackward0',
    backward: (g, c) => [reverseCumsum(g, c.attrs.dim)],
  },
  cumprod: {
    name: 'CumprodBackward0',
    backward: (g, c) => {
      const d = c.attrs.dim;
      const input = c.input(0);
      const x = input.ndim === 0 ? input.reshape([1]) : input;
      if (x.eq(0).any().item()) return [cumprodGradWithZeros(g, x, d)];
      return [reverseCumsum(g.mul(c.output()), d).div(x)];
    },
  },
  softmax: {
    name: 'SoftmaxBackward0',
    backward: (g, c) => {
      const y = c.output();
      return [y.mul(g.sub(g.mul(y).sum(c.attrs.dim, { keepdim: true })))];
    },
  },
  logSoftmax: {
    name: 'LogSoftmaxBackward0',
    backward: (g, c) => {
      const dim = c.attrs.dim;
      return [
        g.sub(
          c
            .output()
            .exp()
            .mul(g.sum(dim, { keepdim: true })),
        ),
      ];
    },
  },
} satisfies FormulaGroup;
