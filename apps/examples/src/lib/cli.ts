// Command-line handling shared by the examples: typed flags from a small spec, and bad input
// answered with a message and the usage text (exit code 2, as argparse does), not a stack trace.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TensileError } from '@tensile/tensor';

/** Bad command-line input: the example prints the message and its usage, and exits with 2. */
export class UsageError extends TensileError {
  override name = 'UsageError';
}

/**
 * 'path' is a string resolved against the user's directory (see userPath); 'device' is one of
 * DEVICES.
 */
type FlagType = 'int' | 'number' | 'path' | 'boolean' | 'device';
type ValueOf<K extends FlagType> = K extends 'boolean'
  ? boolean
  : K extends 'path' | 'device'
    ? string
    : number;

const DEVICES = ['cpu', 'gpu'];

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

/**
 * A path as the user meant it: relative to the directory they ran the command in. pnpm runs a
 * package's scripts in the package's directory and keeps the user's in INIT_CWD.
 */
export function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/** The command that shows the TensorBoard runs under `logdir` (absolute: it works from anywhere). */
export function boardCommand(logdir: string): string {
  return `npx -y pnpm@10.34.8 board --logdir ${logdir}`;
}

/** A flag's value (given, or its default) checked and converted to its type. */
function convert(name: string, flag: Flag, raw: string | number | boolean): ValueOf<FlagType> {
  if (flag.type === 'path') return userPath(String(raw));
  if (flag.type === 'boolean') return raw;
  if (flag.type === 'device') {
    if (!DEVICES.includes(String(raw)))
      throw new UsageError(`--${kebab(name)} must be one of ${DEVICES.join(', ')}, got '${raw}'`);
    return String(raw);
  }
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
    const value = raw ?? flag.default;
    out[name] = value === undefined ? undefined : convert(name, flag, value);
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
