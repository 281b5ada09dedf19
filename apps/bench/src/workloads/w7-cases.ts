/**
 * W7's rows, built the same way for every framework so that their case names match: the epoch
 * loop of a training run and the loader-only timing take the framework's work as callbacks.
 */
import { msCase, stats } from '../timing';
import type { CaseResult } from './types';

/** Training batches in --quick mode: enough to see the pipeline run, not an epoch. */
export const QUICK_BATCHES = 100;
/** Measured epochs of a loader-only row, after one warm-up epoch. */
const LOADER_EPOCHS = 3;

/** What a --quick run's rows say of themselves, so that they are never read as an epoch's. */
export const quickSuffix = (quick: boolean): string =>
  quick ? ` (quick: ${QUICK_BATCHES} batches)` : '';

export const loaderCaseName = (numWorkers: number): string =>
  `loader only, numWorkers=${numWorkers}`;

/**
 * One model's training rows: `epoch()` trains one epoch, `accuracy()` is the test accuracy in
 * percent; the epoch wall time (median over the epochs), and the accuracy after epochs 1 and 3.
 */
export async function trainingCases(
  name: string,
  opts: { epochs: number; quick: boolean; log: string },
  epoch: () => Promise<void>,
  accuracy: () => number,
): Promise<CaseResult[]> {
  const suffix = quickSuffix(opts.quick);
  const seconds: number[] = [];
  const accuracies: CaseResult[] = [];
  for (let e = 1; e <= opts.epochs; e++) {
    process.stderr.write(`  ${opts.log} ${name} epoch ${e}/${opts.epochs}\n`);
    const t0 = performance.now();
    await epoch();
    seconds.push((performance.now() - t0) / 1000);
    if (e === 1 || e === 3)
      accuracies.push({
        case: `${name}: test accuracy after ${e} epoch${e > 1 ? 's' : ''}${suffix}`,
        figure: accuracy(),
        unit: '%',
        higherIsBetter: true,
        ratio: false,
      });
  }
  const timing = stats(seconds);
  return [
    {
      case: `${name}: epoch wall time${suffix}`,
      figure: timing.median,
      range: opts.epochs > 1 ? [timing.min, timing.max] : undefined,
      unit: 's/epoch',
      higherIsBetter: false,
    },
    ...accuracies,
  ];
}

/** A loader-only row: `epoch()` runs one epoch of batches; the first counts as warm-up. */
export async function loaderCase(
  numWorkers: number,
  epoch: () => Promise<void>,
): Promise<CaseResult> {
  const times: number[] = [];
  for (let e = 0; e <= LOADER_EPOCHS; e++) {
    const t0 = performance.now();
    await epoch();
    times.push(performance.now() - t0);
  }
  return msCase(loaderCaseName(numWorkers), stats(times.slice(1)), 'ms/epoch');
}
