import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CaseResult } from '../workloads/types';
import type { PeerRun } from './types';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../py/bench.py', import.meta.url));

/** Runs the PyTorch twin of the workloads (Debian python3-torch), or says why it cannot. */
export function runPytorch(ids: string[], opts: { quick: boolean; full: boolean }): PeerRun {
  const name = 'PyTorch (CPU, 2 threads)';
  if (!existsSync(PYTHON)) return { name, skipped: `${PYTHON} not found`, workloads: {} };
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return {
      name,
      skipped: 'python3-torch is not installed (apt-get install python3-torch)',
      workloads: {},
    };
  const flags = [...(opts.quick ? ['--quick'] : []), ...(opts.full ? ['--full'] : [])];
  const run = spawnSync(PYTHON, [SCRIPT, ...flags, ...ids], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (run.status !== 0)
    return {
      name,
      skipped: `bench.py failed (exit ${run.status}, its error is above)`,
      workloads: {},
    };
  const out = JSON.parse(run.stdout) as {
    version: string;
    threads: number;
    blas: string;
    mkldnn: boolean;
    OPENBLAS_CORETYPE: string;
    config: string;
    /** The memory layout each convolutional model was timed in (the faster one here). */
    memoryFormats: Record<string, string>;
    workloads: Record<string, CaseResult[]>;
    skippedWorkloads: Record<string, string>;
  };
  return {
    name,
    info: {
      version: out.version,
      threads: out.threads,
      blas: out.blas,
      mkldnn: out.mkldnn,
      OPENBLAS_CORETYPE: out.OPENBLAS_CORETYPE,
      memoryFormats: out.memoryFormats,
      config: out.config,
    },
    workloads: out.workloads,
    skippedWorkloads: out.skippedWorkloads,
  };
}
