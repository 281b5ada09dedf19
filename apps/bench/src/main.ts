import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { getKernelInfo } from '@tensile/tensor';
import { GPU_WORKLOADS, runGpu } from './backends/gpu';
import { runPytorch } from './peers/pytorch';
import { runTfjs } from './peers/tfjs';
import type { BackendRun, PeerRun } from './peers/types';
import { compare, table } from './report';
import type { CaseResult, RunOptions, Workload } from './workloads/types';
import { w1 } from './workloads/w1-matmul';
import { w2 } from './workloads/w2-mlp';
import { w3 } from './workloads/w3-lenet';
import { w4 } from './workloads/w4-conv';
import { w5 } from './workloads/w5-lstm';
import { w6 } from './workloads/w6-resnet';
import { w7 } from './workloads/w7';
import { w8 } from './workloads/w8-memory';

const WORKLOADS: Workload[] = [w1, w2, w3, w4, w5, w6, w7, w8];
const USAGE = `usage: pnpm bench [--filter W1[,W2...]] [--no-peers] [--no-gpu] [--quick] [--full]
       pnpm bench --compare A.json B.json
  --no-gpu skip Tensile's gpu backend (W1-W4; minutes where it renders with llvmpipe)
  --quick  W8 with 200 steps, W7 training on 100 batches (a smoke run, not for the README)
  --full   W7 trains 3 epochs (test accuracy after 1 and 3); tfjs's cpu backend runs W6,
           W7's LeNet-5 (one epoch, about an hour) and W8 (about an hour; 12 min with --quick);
           the gpu backend on a software renderer runs W1's N=2048 (about 4 minutes)
workloads: ${WORKLOADS.map((w) => w.id).join(', ')}`;

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function options() {
  try {
    // pnpm forwards a literal '--' separator when the root script passes arguments through.
    const args = process.argv.slice(2).filter((a) => a !== '--');
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        filter: { type: 'string' },
        'no-peers': { type: 'boolean' },
        'no-gpu': { type: 'boolean' },
        quick: { type: 'boolean' },
        full: { type: 'boolean' },
        compare: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
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

const { values: opts, positionals } = options();
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
if (opts.compare) {
  if (positionals.length !== 2) usage('--compare takes two saved result files');
  const [a, b] = positionals.map((f) => JSON.parse(readFileSync(f, 'utf8')));
  console.log(compare(a, b));
  process.exit(0);
}
if (positionals.length) usage(`unexpected argument ${positionals[0]}`);

const wanted = opts.filter?.split(',').map((s) => s.trim().toUpperCase());
const selected = WORKLOADS.filter((w) => !wanted || wanted.includes(w.id));
if (selected.length === 0) usage(`no workload matches --filter ${opts.filter}`);
const ids = selected.map((w) => w.id);
const flags = { quick: opts.quick ?? false, full: opts.full ?? false };

// The 1-minute load average around each framework's part: a busy machine shows here.
const load: { at: string; loadavg: number[] }[] = [{ at: 'start', loadavg: loadavg() }];
const ours: Record<string, CaseResult[]> = {};
const notes: Record<string, string[]> = {};
for (const w of selected) {
  process.stderr.write(`running ${w.id} (Tensile)...\n`);
  notes[w.id] = [];
  const run: RunOptions = { ...flags, device: 'cpu', note: (text) => notes[w.id].push(text) };
  ours[w.id] = await w.run(run);
}
load.push({ at: 'after Tensile', loadavg: loadavg() });
// Tensile's other backends: the gpu, on W1-W4, when any of them is selected.
const backends: BackendRun[] = [];
if (ids.some((id) => GPU_WORKLOADS.includes(id))) {
  if (opts['no-gpu'])
    backends.push({ name: 'Tensile gpu', device: 'gpu', skipped: '--no-gpu', workloads: {} });
  else {
    process.stderr.write('running Tensile gpu...\n');
    backends.push(runGpu(ids, flags));
    load.push({ at: 'after Tensile gpu', loadavg: loadavg() });
  }
}
const peers: PeerRun[] = [];
if (!opts['no-peers']) {
  const runners: [string, () => PeerRun][] = [
    ['PyTorch', () => runPytorch(ids, flags)],
    ['tfjs-cpu', () => runTfjs('cpu', ids, flags)],
    ['tfjs-wasm', () => runTfjs('wasm', ids, flags)],
  ];
  for (const [name, runPeer] of runners) {
    process.stderr.write(`running ${name}...\n`);
    peers.push(runPeer());
    load.push({ at: `after ${name}`, loadavg: loadavg() });
  }
}

const cpu = cpus();
const kernels = getKernelInfo();
console.log(
  `Tensile ${commit()} on Node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}`,
);
console.log(`Tensile cpu kernels: ${JSON.stringify(kernels)}`);
console.log(
  `load average (1 min): ${load.map((l) => `${l.at} ${l.loadavg[0].toFixed(2)}`).join(', ')}`,
);
for (const p of [...backends, ...peers]) {
  const { config: _, ...info } = p.info ?? {};
  console.log(
    p.skipped ? `${p.name}: skipped (${p.skipped})` : `${p.name}: ${JSON.stringify(info)}`,
  );
}
for (const w of selected) {
  console.log(`\n${table(w, ours[w.id], peers, backends)}`);
  for (const n of notes[w.id]) console.log(`- ${n}`);
}

const result = {
  commit: commit(),
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpu.length,
  cpu: cpu[0]?.model,
  kernels,
  options: flags,
  load,
  ours,
  notes,
  backends,
  peers,
};
const dir = new URL('../results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`${result.date.replace(/[:.]/g, '-')}-${result.commit}.json`, dir);
writeFileSync(`${file.pathname}.tmp`, JSON.stringify(result, null, 2));
renameSync(`${file.pathname}.tmp`, file);
console.log(`\nsaved ${file.pathname}`);
