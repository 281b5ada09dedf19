// A tour of the tensor core: views, broadcasting, reductions, einsum, and a least-squares
// fit by the normal equations. Run: pnpm --filter @tensile/examples run tour
import * as T from '@tensile/tensor';

T.manualSeed(0);
const x = T.arange(12, undefined, 1, { dtype: 'float32' }).reshape(3, 4);
console.log('x =', x.toString());
console.log('x.T (a view, no copy):', x.t().toString(), 'contiguous:', x.t().isContiguous());
console.log('x[:, 1:3] =', x.index(':', '1:3').toString());
console.log('broadcast x + [10, 20, 30, 40] =', x.add(T.tensor([10, 20, 30, 40])).toString());
console.log('x @ x.T =', x.matmul(x.t()).toString());
console.log('softmax over rows =', x.softmax(1).toString());
const [values, indices] = T.randn([2, 5]).max(1);
console.log('max over dim 1: values', values.toString(), 'indices', indices.toString());
console.log("einsum('ij,kj->ik') =", T.einsum('ij,kj->ik', x, x).toString());

// A tiny least-squares fit by the normal equations, all in tensor ops.
const n = 200;
const xs = T.rand([n, 1]).mul(4);
const ys = xs
  .mul(3)
  .add(2)
  .add(T.randn([n, 1]).mul(0.1));
const X = T.cat([xs, T.ones([n, 1])], 1);
const xtx = X.t().matmul(X);
const xty = X.t().matmul(ys);
const [[a, b], [c, d]] = xtx.tolist() as number[][];
const det = a * d - b * c;
const inv = T.tensor([
  [d / det, -b / det],
  [-c / det, a / det],
]);
const [w, bias] = (inv.matmul(xty).flatten().tolist() as number[]).map((v) => v.toFixed(3));
console.log(`least squares on y = 3x + 2 + noise: w = ${w}, b = ${bias}`);
