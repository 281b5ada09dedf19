import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CaseResult } from '../workloads/types';

export interface PeerRun {
  name: string;
  /** Why the peer did not run, when it did not. */
  skipped?: string;
  info?: Record<string, unknown>;
  workloads: Record<string, CaseResult[]>;
}

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../py/bench.py', import.meta.url));

/** Runs the PyTorch twin of the workloads (Debian python3-torch), or says why it cannot. */
export function runPytorch(ids: string[]): PeerRun {
  const name = 'PyTorch (CPU, 2 threads)';
  if (!existsSync(PYTHON)) return { name, skipped: `${PYTHON} not found`, workloads: {} };
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return {
      name,
      skipped: 'python3-torch is not installed (apt-get install python3-torch)',
      workloads: {},
    };
  const run = spawnSync(PYTHON, [SCRIPT, ...ids], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0)
    return {
      name,
      skipped: `bench.py failed: ${run.stderr.trim().split('\n').pop()}`,
      workloads: {},
    };
  const out = JSON.parse(run.stdout) as {
    version: string;
    threads: number;
    blas: string;
    workloads: Record<string, CaseResult[]>;
  };
  return {
    name,
    info: { version: out.version, threads: out.threads, blas: out.blas },
    workloads: out.workloads,
  };
}
