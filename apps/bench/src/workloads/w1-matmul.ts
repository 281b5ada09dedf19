import { manualSeed, rand } from '@tensile/tensor';
import { time } from '../timing';
import type { CaseResult, Workload } from './types';

export const W1_SIZES = [256, 512, 1024, 2048];

/** GFLOP/s of an N x N matmul taking `ms`. */
const gflops = (n: number, ms: number): number => (2 * n ** 3) / (ms / 1000) / 1e9;

/** Times `matmul` (which reads its result back) for size `n`: the W1 row of any framework. */
export function matmulCase(n: number, matmul: () => void): CaseResult {
  const timing = time(matmul, { warmup: 1, runs: n >= 2048 ? 3 : 5 });
  return {
    case: `N=${n}`,
    timing,
    figure: gflops(n, timing.median),
    range: [gflops(n, timing.max), gflops(n, timing.min)],
    unit: 'GFLOP/s',
    higherIsBetter: true,
  };
}

/** W1: matmul A[N,N] x B[N,N], GFLOP/s = 2N^3 / seconds. */
export const w1: Workload = {
  id: 'W1',
  title: 'matmul A[N,N] x B[N,N] (fp32)',
  run(): CaseResult[] {
    manualSeed(0);
    return W1_SIZES.map((n) => {
      const a = rand([n, n]);
      const b = rand([n, n]);
      return matmulCase(n, () => a.matmul(b).dataSync());
    });
  },
};
