/** Timing statistics of one measured case. */
export interface Timing {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times; milliseconds per run. */
export function time(
  fn: () => void,
  opts: { warmup?: number; runs?: number; minMs?: number } = {},
): Timing {
  const { warmup = 2, runs = 5, minMs = 0 } = opts;
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < runs || performance.now() - start < minMs) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return {
    median: samples[Math.floor(samples.length / 2)],
    min: samples[0],
    max: samples[samples.length - 1],
    runs: samples.length,
  };
}
