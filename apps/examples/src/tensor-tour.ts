// A tour of the tensor core: views, broadcasting, reductions, einsum, a least-squares fit by
// the normal equations, and complex eigenvalues. Run: pnpm --filter @tensile/examples run tour
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
const [w, bias] = (T.linalg.solve(xtx, xty).flatten().tolist() as number[]).map((v) =>
  v.toFixed(3),
);
console.log(`least squares on y = 3x + 2 + noise: w = ${w}, b = ${bias}`);

// Eigenvalues as torch.linalg.eig gives them: complex. A rotation by 30 degrees has e^(+-i pi/6).
const [cos, sin] = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)];
const rotation = T.tensor([
  [cos, -sin],
  [sin, cos],
]);
const [L, V] = T.linalg.eig(rotation);
console.log('eigenvalues of a 30-degree rotation:', L.toString());
console.log('their moduli', L.abs().toString(), 'and angles', L.angle().toString());
console.log('A V = V diag(L):', T.allclose(rotation.to('complex64').matmul(V), V.mul(L)));
