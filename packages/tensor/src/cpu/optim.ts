/**
 * Fused optimizer steps on dense float32 arrays. Each intermediate is rounded to float32 as
 * the composed in-place ops round it (scalars too, as they become float32 tensors there), so
 * the fused and the composed step agree to the bit.
 */
import type { SgdStepOptions, View } from '../backend';
import { denseFloat32 } from './storage';

export function sgdStep(
  param: View,
  grad: View,
  momentumBuffer: View | null,
  opts: SgdStepOptions,
): boolean {
  const p = denseFloat32(param);
  const g = denseFloat32(grad);
  const b = momentumBuffer && denseFloat32(momentumBuffer);
  if (!p || !g || (momentumBuffer && !b)) return false;
  const f = Math.fround;
  const [negLr, m, wd] = [f(-opts.lr), f(opts.momentum), f(opts.weightDecay)];
  const keep = 1 - opts.dampening;
  const damp = f(keep);
  const sign = opts.maximize ? -1 : 1;
  const nesterov = opts.nesterov;
  if (b && keep === 1 && wd === 0 && sign === 1 && !nesterov) {
    // The common case (momentum alone) without the per-element tests: twice as fast.
    for (let i = 0; i < p.length; i++) {
      const v = f(f(b[i] * m) + g[i]);
      b[i] = v;
      p[i] = f(p[i] + f(negLr * v));
    }
    return true;
  }
  for (let i = 0; i < p.length; i++) {
    let d = sign * g[i];
    if (wd !== 0) d = f(d + f(wd * p[i]));
    if (b) {
      const v = keep === 1 ? f(f(b[i] * m) + d) : f(f(b[i] * m) + f(damp * d));
      b[i] = v;
      d = nesterov ? f(d + f(m * v)) : v;
    }
    p[i] = f(p[i] + f(negLr * d));
  }
  return true;
}
