/**
 * The fused batch norm's derivative. Without createGraph it is the backend's fused kernel;
 * under createGraph it is written with tensor ops from x itself (the statistics depend on x),
 * so that it is recorded and differentiates again.
 */
import { batchNormBackward, isGradEnabled, type Tensor } from '@tensile/tensor';
import type { FormulaGroup } from './formula';

/** dx, dweight, dbias as composed ops (the createGraph path). */
function composed(g: Tensor, x: Tensor, weight: Tensor, eps: number): Tensor[] {
  const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
  const perChannel = (v: Tensor) => v.reshape([1, -1, ...Array(x.ndim - 2).fill(1)]);
  const centered = x.sub(x.mean(dims, { keepdim: true }));
  const invstd = centered.square().mean(dims, { keepdim: true }).add(eps).rsqrt();
  const xhat = centered.mul(invstd);
  const gw = g.mul(perChannel(weight));
  const dx = invstd.mul(
    gw
      .sub(gw.mean(dims, { keepdim: true }))
      .sub(xhat.mul(gw.mul(xhat).mean(dims, { keepdim: true }))),
  );
  return [dx, g.mul(xhat).sum(dims), g.sum(dims)];
}

export const norm = {
  batchNorm: {
    name: 'NativeBatchNormBackward0',
    backward: (g, c) => {
      const [x, weight] = [c.input(0), c.input(1)];
      const fused =
        !isGradEnabled() && batchNormBackward(g, x, c.attrs.mean!, c.attrs.invstd!, weight);
      const grads = fused || composed(g, x, weight, c.attrs.eps);
      return grads.map((t, i) => (c.needs(i) ? t : null));
    },
  },
} satisfies FormulaGroup;
