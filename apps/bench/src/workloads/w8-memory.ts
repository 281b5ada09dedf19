import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CaseResult, RunOptions, Workload } from './types';

export const W8_STEPS = { full: 1000, quick: 200 };
const CHILD = fileURLToPath(new URL('./w8-child.ts', import.meta.url));
const MIB = 1024 * 1024;

export interface MemoryFigures {
  rss100: number;
  rssLast: number;
  peak: number;
}

/**
 * This process's peak RSS in MiB: VmHWM of its own address space. Not getrusage's maxRSS, which
 * Linux carries over exec from the spawning parent (a bench run that has loaded Fashion-MNIST).
 */
function peakRss(): number {
  const line = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
  return line ? Number(line[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

/** In a measuring process: runs `step` `steps` times; RSS after step 100 and the last, and the peak. */
export function measureMemory(step: () => void, steps: number): MemoryFigures {
  let rss100 = 0;
  for (let i = 1; i <= steps; i++) {
    step();
    if (i === 100) rss100 = process.memoryUsage().rss / MIB;
    // A slow framework's run takes many minutes: show that it is alive.
    if (i % 100 === 0) process.stderr.write(`    W8 step ${i}/${steps}\n`);
  }
  return { rss100, rssLast: process.memoryUsage().rss / MIB, peak: peakRss() };
}

/**
 * Runs a measuring process, `script` with `args`, under this process's node and loader flags
 * (tsx, the @tensile/source condition); its figures are the last line it prints.
 */
export function memoryChild(script: string, args: string[]): MemoryFigures {
  const child = spawnSync(process.execPath, [...process.execArgv, script, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0)
    throw new Error(`W8: ${script} failed (exit ${child.status}, its error is above)`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as MemoryFigures;
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
    return memoryCases(memoryChild(CHILD, [String(steps)]), steps);
  },
};
