import cliProgress from 'cli-progress';

export interface ProgressOptions {
  /** Items expected; defaults to the iterable's `length` when it has one. */
  total?: number;
  /** Label before the bar. */
  desc?: string;
  /** Where to draw; stderr by default, like tqdm, so stdout stays clean for results. */
  stream?: NodeJS.WritableStream;
}

interface Ticker {
  tick(): void;
  close(): void;
}

function lengthOrUndefined(iterable: object): number | undefined {
  try {
    const n = (iterable as { length?: unknown }).length;
    return typeof n === 'number' ? n : undefined;
  } catch {
    return undefined; // e.g. a DataLoader over an iterable dataset without a length
  }
}

function open(iterable: object, opts: ProgressOptions): Ticker {
  const total = opts.total ?? lengthOrUndefined(iterable);
  const desc = opts.desc ? `${opts.desc} ` : '';
  const counts = total === undefined ? '{value} it' : '|{bar}| {percentage}% {value}/{total}';
  const bar = new cliProgress.SingleBar(
    {
      format: `${desc}${counts} [{duration_formatted}, {rate} it/s]`,
      stream: opts.stream ?? process.stderr,
      // Off a terminal (CI, pipes) print a plain line every few seconds instead of redrawing.
      noTTYOutput: true,
      notTTYSchedule: 5000,
      hideCursor: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let count = 0;
  bar.start(total ?? 0, 0, { rate: '0.00' });
  return {
    tick() {
      count++;
      const seconds = (performance.now() - started) / 1000;
      bar.update(count, { rate: (count / Math.max(seconds, 1e-9)).toFixed(2) });
    },
    close() {
      bar.stop();
    },
  };
}

/**
 * A progress bar around a loop, like tqdm: `for (const b of progress(loader, { desc: 'train' }))`.
 * Works with sync and async iterables (a DataLoader is both) and with stdout not a terminal.
 */
export function progress<T>(
  iterable: Iterable<T> & AsyncIterable<T>,
  opts?: ProgressOptions,
): Iterable<T> & AsyncIterable<T>;
export function progress<T>(iterable: Iterable<T>, opts?: ProgressOptions): Iterable<T>;
export function progress<T>(iterable: AsyncIterable<T>, opts?: ProgressOptions): AsyncIterable<T>;
export function progress<T>(
  iterable: Iterable<T> | AsyncIterable<T>,
  opts: ProgressOptions = {},
): Partial<Iterable<T> & AsyncIterable<T>> {
  const wrapped: Partial<Iterable<T> & AsyncIterable<T>> = {};
  if (Symbol.iterator in iterable) {
    wrapped[Symbol.iterator] = function* () {
      const bar = open(iterable, opts);
      try {
        for (const item of iterable) {
          yield item;
          bar.tick();
        }
      } finally {
        bar.close();
      }
    };
  }
  if (Symbol.asyncIterator in iterable) {
    wrapped[Symbol.asyncIterator] = async function* () {
      const bar = open(iterable, opts);
      try {
        for await (const item of iterable) {
          yield item;
          bar.tick();
        }
      } finally {
        bar.close();
      }
    };
  }
  return wrapped;
}
