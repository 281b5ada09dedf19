import { manualSeed, rand } from '@tensile/tensor';
import { time } from '../timing';
import type { CaseResult, Workload } from './types';

/** W1: matmul A[N,N] x B[N,N], GFLOP/s = 2N^3 / seconds. */
export const w1: Workload = {
  id: 'W1',
  title: 'matmul A[N,N] x B[N,N] (fp32)',
  run(): CaseResult[] {
    manualSeed(0);
    return [256, 512, 1024, 2048].map((n) => {
      const a = rand([n, n]);
      const b = rand([n, n]);
      const timing = time(() => a.matmul(b), { warmup: 1, runs: n >= 2048 ? 1 : 3 });
      return {
        case: `N=${n}`,
        timing,
        figure: (2 * n ** 3) / (timing.median / 1000) / 1e9,
        unit: 'GFLOP/s',
        higherIsBetter: true,
      };
    });
  },
};
