import type { Tensor } from '@tensile/tensor';

/** Loss and flat gradient at `x + t * d` (the parameters are restored to `x` afterwards). */
export type DirectionalObjective = (x: Tensor[], t: number, d: Tensor) => [number, Tensor];

export interface LineSearchResult {
  loss: number;
  flatGrad: Tensor;
  t: number;
  funcEvals: number;
}

/** Minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to the bounds. */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 ** 2 - g1 * g2;
  if (d2Square < 0) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2Square);
  const minPos =
    x1 <= x2
      ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
      : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(minPos, lo), hi);
}

interface Point {
  t: number;
  f: number;
  g: Tensor;
  gtd: number;
}

/**
 * A line search satisfying the strong Wolfe conditions (torch.optim.lbfgs._strong_wolfe, after
 * minFunc): bracket a step, then zoom in by cubic interpolation.
 */
export function strongWolfe(
  objective: DirectionalObjective,
  x: Tensor[],
  t: number,
  d: Tensor,
  f: number,
  g: Tensor,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): LineSearchResult {
  const dNorm = d.abs().max().item();
  const evaluate = (step: number): Point => {
    const [fNew, gNew] = objective(x, step, d);
    return { t: step, f: fNew, g: gNew, gtd: gNew.dot(d).item() };
  };
  let next = evaluate(t);
  let funcEvals = 1;
  const g0 = g.clone();
  let prev: Point = { t: 0, f, g: g0, gtd };
  let done = false;
  let lsIter = 0;
  let bracket: Point[] | undefined;
  // Bracketing phase: find an interval that contains a point satisfying the conditions.
  while (lsIter < maxLs) {
    if (next.f > f + c1 * next.t * gtd || (lsIter > 1 && next.f >= prev.f)) {
      bracket = [prev, { ...next, g: next.g.clone() }];
      break;
    }
    if (Math.abs(next.gtd) <= -c2 * gtd) {
      bracket = [next];
      done = true;
      break;
    }
    if (next.gtd >= 0) {
      bracket = [prev, { ...next, g: next.g.clone() }];
      break;
    }
    const minStep = next.t + 0.01 * (next.t - prev.t);
    const maxStep = next.t * 10;
    const tNew = cubicInterpolate(prev.t, prev.f, prev.gtd, next.t, next.f, next.gtd, [
      minStep,
      maxStep,
    ]);
    prev = { ...next, g: next.g.clone() };
    next = evaluate(tNew);
    funcEvals += 1;
    lsIter += 1;
  }
  if (bracket === undefined) {
    // Out of evaluations (lsIter === maxLs): the zoom below does not run, so no gtd is needed.
    bracket = [
      { t: 0, f, g: g0, gtd },
      { ...next, gtd: Number.NaN },
    ];
  }
  // Zoom phase: shrink the bracket until a point satisfies the conditions.
  let insufProgress = false;
  let [low, high] = bracket[0].f <= bracket[bracket.length - 1].f ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    const [b0, b1] = bracket;
    if (Math.abs(b1.t - b0.t) * dNorm < toleranceChange) break;
    let tNew = cubicInterpolate(b0.t, b0.f, b0.gtd, b1.t, b1.f, b1.gtd);
    const bMax = Math.max(b0.t, b1.t);
    const bMin = Math.min(b0.t, b1.t);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - tNew, tNew - bMin) < eps) {
      // Too close to a boundary: move away from it, or note the lack of progress.
      if (insufProgress || tNew >= bMax || tNew <= bMin) {
        tNew = Math.abs(tNew - bMax) < Math.abs(tNew - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    const point = evaluate(tNew);
    funcEvals += 1;
    lsIter += 1;
    if (point.f > f + c1 * point.t * gtd || point.f >= bracket[low].f) {
      bracket[high] = { ...point, g: point.g.clone() };
      [low, high] = bracket[0].f <= bracket[1].f ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(point.gtd) <= -c2 * gtd) done = true;
      else if (point.gtd * (bracket[high].t - bracket[low].t) >= 0) bracket[high] = bracket[low];
      bracket[low] = { ...point, g: point.g.clone() };
    }
  }
  const best = bracket[low];
  return { loss: best.f, flatGrad: best.g, t: best.t, funcEvals };
}
