/** Reads fixture files (Node only; elsewhere, parse them yourself and pass them to goldenCases). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FixtureFile } from './fixture';

export interface LoadOptions {
  /** Where the `<group>.json` files are. Default: the ones this package ships (test/fixtures). */
  dir?: string;
  /** Groups to read (all by default) and groups to leave out. */
  groups?: readonly string[];
  exclude?: readonly string[];
}

/** The fixture files in `dir`, by group name. */
export function loadFixtures(opts: LoadOptions = {}): FixtureFile[] {
  const dir = opts.dir ?? shippedFixtures();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as FixtureFile)
    .filter((f) => (opts.groups?.includes(f.group) ?? true) && !opts.exclude?.includes(f.group));
}

/**
 * The package's own fixtures: test/fixtures beside its package.json, found from this module,
 * which lies at a different depth in the sources (src/testing) and in the build (dist).
 */
export function shippedFixtures(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('@tensile/tensor/testing: cannot find the package root');
    dir = up;
  }
  return join(dir, 'test', 'fixtures');
}
