import { execSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runPytorch } from './peers/pytorch';
import { table } from './report';
import type { CaseResult, Workload } from './workloads/types';
import { w1 } from './workloads/w1-matmul';
import { w7 } from './workloads/w7-loader';

const WORKLOADS: Workload[] = [w1, w7];

function usage(message: string): never {
  console.error(
    `${message}\nusage: pnpm bench [--filter W1[,W2...]] [--no-peers]\nworkloads: ${WORKLOADS.map((w) => w.id).join(', ')}`,
  );
  process.exit(2);
}

function options() {
  try {
    // pnpm forwards a literal '--' separator when the root script passes arguments through.
    const args = process.argv.slice(2).filter((a) => a !== '--');
    return parseArgs({
      args,
      options: { filter: { type: 'string' }, 'no-peers': { type: 'boolean' } },
    }).values;
  } catch (e) {
    return usage((e as Error).message);
  }
}

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const opts = options();
const wanted = opts.filter?.split(',').map((s) => s.trim().toUpperCase());
const selected = WORKLOADS.filter((w) => !wanted || wanted.includes(w.id));
if (selected.length === 0) usage(`no workload matches --filter ${opts.filter}`);

const loadBefore = loadavg();
const ours: Record<string, CaseResult[]> = {};
for (const w of selected) {
  process.stderr.write(`running ${w.id} (Tensile)...\n`);
  ours[w.id] = await w.run();
}
process.stderr.write('running peers...\n');
const peers = opts['no-peers'] ? [] : [runPytorch(selected.map((w) => w.id))];
const loadAfter = loadavg();

console.log(
  `Tensile ${commit()} on ${process.version}; load average before ${loadBefore[0].toFixed(2)}, after ${loadAfter[0].toFixed(2)}`,
);
for (const p of peers)
  console.log(
    p.skipped ? `${p.name}: skipped (${p.skipped})` : `${p.name}: ${JSON.stringify(p.info)}`,
  );
for (const w of selected) console.log(`\n${table(w, ours[w.id], peers)}`);

const result = {
  commit: commit(),
  date: new Date().toISOString(),
  node: process.version,
  loadavg: { before: loadBefore, after: loadAfter },
  ours,
  peers,
};
const dir = new URL('../../../bench-results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`${result.date.replace(/[:.]/g, '-')}-${result.commit}.json`, dir);
writeFileSync(`${file.pathname}.tmp`, JSON.stringify(result, null, 2));
renameSync(`${file.pathname}.tmp`, file);
console.log(`\nsaved ${file.pathname}`);
