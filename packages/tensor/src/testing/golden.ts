/**
 * The PyTorch goldens as a list of runnable cases, for any test runner: a backend outside this
 * repository registers itself and runs each case on its device.
 */
import type { Case, FixtureFile } from './fixture';
import { type RunOptions, runCase } from './run';

export interface GoldenCase {
  /** `<group>/<op>/<case id>`, e.g. `elementwise/add/broadcast-row`. */
  name: string;
  group: string;
  case: Case;
  /** Why the case does not apply to this run, or null. */
  skip: string | null;
  /** Runs the case; returns its mismatches with PyTorch's result (none when it passes). */
  run(): string[];
}

export interface GoldenOptions extends RunOptions {
  /** Why a case does not apply to this run (a device without float64), or null to run it. */
  skip?: (name: string, c: Case) => string | null;
}

export function goldenCases(files: readonly FixtureFile[], opts: GoldenOptions = {}): GoldenCase[] {
  const { skip, ...run } = opts;
  return files.flatMap((file) =>
    file.cases.map((c) => {
      const name = `${file.group}/${c.op}/${c.id}`;
      return {
        name,
        group: file.group,
        case: c,
        skip: skip?.(name, c) ?? null,
        run: () => runCase(c, run),
      };
    }),
  );
}
