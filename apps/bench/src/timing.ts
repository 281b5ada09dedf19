import type { CaseResult } from './workloads/types';

/** Timing statistics of one measured case, in milliseconds. */
export interface Timing {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Median, min and max of a list of samples. */
export function stats(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted[sorted.length - 1],
    runs: sorted.length,
  };
}

/**
 * Time limits that keep a slow framework's case from taking many minutes, and the least
 * warm-up time: JavaScript and WebAssembly engines optimize code only after it has run a while
 * (V8 tiers WebAssembly up after tens of milliseconds, and a model's JavaScript over hundreds:
 * W5's step fell from 40 to 17 ms over its first second), which a few warm-up runs do not reach.
 */
export const LIMITS = { warmupMs: 10_000, minWarmupMs: 1000, measureMs: 60_000, minRuns: 3 };

/**
 * Runs `fn` `warmup` times (and for LIMITS.minWarmupMs at least) unmeasured, then `runs`
 * times; milliseconds per run. `fn` must have
 * finished all of its work when it returns (read a result back), so that each sample is complete.
 * A slow case stops early, the same rule for every framework: warm-up after LIMITS.warmupMs (one
 * run at least), measuring after LIMITS.measureMs once it has LIMITS.minRuns samples.
 */
export function time(fn: () => void, opts: { warmup?: number; runs?: number } = {}): Timing {
  const { warmup = 2, runs = 5 } = opts;
  const warmStart = performance.now();
  for (let i = 0; i < warmup || performance.now() - warmStart < LIMITS.minWarmupMs; i++) {
    fn();
    if (performance.now() - warmStart > LIMITS.warmupMs) break;
  }
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < runs) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
    const over = performance.now() - start > LIMITS.measureMs;
    if (over && samples.length >= Math.min(runs, LIMITS.minRuns)) break;
  }
  return stats(samples);
}

/** A case whose figure is the time itself (ms, ms/step). */
export function msCase(name: string, timing: Timing, unit = 'ms'): CaseResult {
  return {
    case: name,
    timing,
    figure: timing.median,
    range: [timing.min, timing.max],
    unit,
    higherIsBetter: false,
  };
}
