import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CaseResult, RunOptions, Workload } from './types';

export const W8_STEPS = { full: 1000, quick: 200 };
const CHILD = fileURLToPath(new URL('./w8-child.ts', import.meta.url));

export interface MemoryFigures {
  rss100: number;
  rssLast: number;
  peak: number;
}

/** W8's rows from one measuring process's figures; shared with the peers' runners. */
export function memoryCases(m: MemoryFigures, steps: number): CaseResult[] {
  const row = (name: string, figure: number, ratio = true): CaseResult => ({
    case: name,
    figure,
    unit: 'MiB',
    higherIsBetter: false,
    ratio,
  });
  return [
    row(`peak RSS over ${steps} steps`, m.peak),
    row('RSS after step 100', m.rss100),
    row(`RSS after step ${steps}`, m.rssLast),
    // A difference can be 0 or negative: no ratio.
    row(`growth, step 100 -> ${steps}`, m.rssLast - m.rss100, false),
  ];
}

/** W8: the memory of W3's training loop, measured in a fresh child process. */
export const w8: Workload = {
  id: 'W8',
  title: 'memory of W3 LeNet-5 train steps (fresh process; 200 steps with --quick)',
  run(opts: RunOptions): CaseResult[] {
    const steps = opts.quick ? W8_STEPS.quick : W8_STEPS.full;
    // The same node and loader flags (tsx, the @tensile/source condition) as this process.
    const child = spawnSync(process.execPath, [...process.execArgv, CHILD, String(steps)], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`W8: child process failed: ${child.stderr}`);
    return memoryCases(JSON.parse(child.stdout) as MemoryFigures, steps);
  },
};
