// Command-line handling shared by the examples: typed flags from a small spec, and bad input
// answered with a message and the usage text (exit code 2, as argparse does), not a stack trace.
import { parseArgs } from 'node:util';
import { TensileError } from '@tensile/tensor';

/** Bad command-line input: the example prints the message and its usage, and exits with 2. */
export class UsageError extends TensileError {
  override name = 'UsageError';
}

type FlagType = 'int' | 'number' | 'string' | 'boolean';
type ValueOf<K extends FlagType> = K extends 'boolean'
  ? boolean
  : K extends 'string'
    ? string
    : number;

/** One flag: its type, a default, and for 'int' the least value allowed (default 1). */
export interface Flag<K extends FlagType = FlagType> {
  type: K;
  default?: ValueOf<K>;
  min?: number;
}

export type FlagValues<S extends Record<string, Flag>> = {
  [N in keyof S]: S[N] extends { default: ValueOf<S[N]['type']> }
    ? ValueOf<S[N]['type']>
    : ValueOf<S[N]['type']> | undefined;
};

/** `batchSize` is given as `--batch-size`. */
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function convert(name: string, flag: Flag, raw: string | boolean): ValueOf<FlagType> {
  if (flag.type === 'string' || flag.type === 'boolean') return raw;
  const value = Number(raw);
  if (flag.type === 'int') {
    const min = flag.min ?? 1;
    if (raw === '' || !Number.isInteger(value) || value < min)
      throw new UsageError(`--${kebab(name)} must be an integer >= ${min}, got '${raw}'`);
  } else if (raw === '' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--${kebab(name)} must be a positive number, got '${raw}'`);
  }
  return value;
}

/** Parses `process.argv` by `spec`; throws UsageError on an unknown flag or a bad value. */
export function parseFlags<S extends Record<string, Flag>>(
  spec: S,
  argv = process.argv.slice(2),
): FlagValues<S> {
  const options = Object.fromEntries(
    Object.entries(spec).map(([name, flag]) => [
      kebab(name),
      { type: flag.type === 'boolean' ? ('boolean' as const) : ('string' as const) },
    ]),
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    // pnpm forwards a literal '--' separator when a root script passes arguments through.
    ({ values } = parseArgs({ args: argv.filter((a) => a !== '--'), options, strict: true }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const out: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(spec)) {
    const raw = values[kebab(name)];
    out[name] = raw === undefined ? flag.default : convert(name, flag, raw);
  }
  return out as FlagValues<S>;
}

/**
 * Runs an example's main function: `--help` prints the usage, a UsageError prints its message
 * and the usage and exits with 2; any other error is a bug and keeps its stack trace.
 */
export async function runMain(usage: string, main: () => Promise<void> | void): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(usage);
    return;
  }
  try {
    await main();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${e.message}\n\n${usage}`);
    process.exit(2);
  }
}
