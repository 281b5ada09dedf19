// `pnpm test [fast|slow] [vitest args]`: lint, then one vitest run of the tier (both when none is
// named), then the closing summary line, which is printed whatever failed before it. Exits
// non-zero when the lint, a test or vitest itself failed.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const args = process.argv.slice(2);
const tier = args[0] === 'fast' || args[0] === 'slow' ? args.shift() : undefined;
const results = '.test-results/vitest.json';
const bin = (name) => `node_modules/.bin/${name}`;

function run(cmd, cmdArgs, env = process.env) {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env });
  if (r.error) console.error(`${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}

rmSync(results, { force: true });
const biome = run(bin('biome'), ['check', '.']);
if (biome !== 0) console.error('lint failed (biome check .); the tests run anyway');
// Runtime import cycles between a package's modules (type-only imports are erased, so allowed).
const cycles = run(process.execPath, ['tools/import-graph.mjs', '--quiet']);
if (cycles !== 0) console.error('lint failed (import cycles, above); the tests run anyway');
const lint = biome || cycles;
const env = { ...process.env };
if (tier) env.TENSILE_TEST_TIER = tier;
const vitest = run(
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...args],
  env,
);
const summary = run(process.execPath, ['tools/test-summary.mjs', results]);
process.exit(lint || vitest || summary);
