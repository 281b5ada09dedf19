import { manualSeed, rand } from '@tensile/tensor';
import { time } from '../timing';
import { first, unit } from './device';
import type { CaseResult, RunOptions, Workload } from './types';

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

/** Tensile's W1 rows for `sizes` on `device`; the matrices are made on the cpu, then moved. */
export function matmulCases(sizes: number[], device: string): CaseResult[] {
  manualSeed(0);
  return sizes.map((n) => {
    const a = rand([n, n]).to(device);
    const b = rand([n, n]).to(device);
    return matmulCase(
      n,
      unit(() => first(a.matmul(b))),
    );
  });
}

/** N=2048 on a software renderer: one matmul takes about a minute (llvmpipe, 0.3 GFLOP/s). */
const SLOW_SIZE = 2048;

/** W1: matmul A[N,N] x B[N,N], GFLOP/s = 2N^3 / seconds. */
export const w1: Workload = {
  id: 'W1',
  title: 'matmul A[N,N] x B[N,N] (fp32)',
  run(opts: RunOptions): CaseResult[] {
    const slow = opts.softwareRenderer && !opts.full;
    if (slow)
      opts.note(
        `N=${SLOW_SIZE}: the renderer runs on the CPU and one matmul takes about a minute, four with warm-up; run with --full to measure it`,
      );
    return matmulCases(
      W1_SIZES.filter((n) => !slow || n < SLOW_SIZE),
      opts.device,
    );
  },
};
