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

const NOT_TTY_SCHEDULE = 5000;

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
      notTTYSchedule: NOT_TTY_SCHEDULE,
      hideCursor: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  const tty = (opts.stream ?? process.stderr) as { isTTY?: boolean };
  let count = 0;
  let printed = started;
  bar.start(total ?? 0, 0, { rate: '0.00' });
  return {
    tick() {
      count++;
      const now = performance.now();
      bar.update(count, { rate: (count / Math.max((now - started) / 1000, 1e-9)).toFixed(2) });
      // Off a terminal cli-progress prints from a timer, which a synchronous training loop never
      // lets run: print the line from here on the same schedule.
      if (!tty.isTTY && now - printed >= NOT_TTY_SCHEDULE) {
        printed = now;
        bar.render();
      }
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
