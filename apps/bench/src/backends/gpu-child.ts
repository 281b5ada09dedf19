/**
 * Tensile's W1-W4 on the gpu backend, in a process of their own:
 * `gpu-child.ts [--quick] [--full] [--sizes=N,...] W1 ...` prints {info, workloads,
 * skippedWorkloads} as JSON on its last line, or {skipped} with the first line of the
 * backend's error when it cannot start (no gl, no display).
 */
import { tensor } from '@tensile/tensor';
import type { CaseResult, RunOptions, Workload } from '../workloads/types';
import { matmulCases, w1 } from '../workloads/w1-matmul';
import { w2 } from '../workloads/w2-mlp';
import { w3 } from '../workloads/w3-lenet';
import { w4 } from '../workloads/w4-conv';
import { type GpuChildResult, softwareRenderer } from './gpu';

const firstLine = (e: unknown): string => {
  const error = e as Error;
  return `${error.name}: ${String(error.message).split('\n')[0]}`;
};

type Backend = typeof import('@tensile/backend-gpujs');

/** Loads the backend and runs one op on it: the backend, or why it cannot start. */
async function start(): Promise<Backend | string> {
  let backend: Backend;
  try {
    backend = await import('@tensile/backend-gpujs');
  } catch (e) {
    return `@tensile/backend-gpujs did not load: ${firstLine(e)}`;
  }
  try {
    tensor([1]).to('gpu').item();
    return backend;
  } catch (e) {
    return firstLine(e);
  }
}

const WORKLOADS: Record<string, Workload> = { W1: w1, W2: w2, W3: w3, W4: w4 };

async function main(args: string[]): Promise<GpuChildResult> {
  const backend = await start();
  if (typeof backend === 'string') return { skipped: backend, workloads: {} };
  // The driver's renderer and GL version, gpu.js's mode (never its silent CPU fallback) and the
  // WebGL layer's version.
  const info = backend.gpuInfo();
  const sizes = args
    .find((a) => a.startsWith('--sizes='))
    ?.slice('--sizes='.length)
    .split(',')
    .map(Number);
  const workloads: Record<string, CaseResult[]> = {};
  const skippedWorkloads: Record<string, string> = {};
  for (const id of args.filter((a) => !a.startsWith('--'))) {
    process.stderr.write(`  Tensile gpu ${id}\n`);
    // What a workload leaves out on this device (W1's N=2048 on llvmpipe) is its n/a reason.
    const notes: string[] = [];
    const opts: RunOptions = {
      quick: args.includes('--quick'),
      full: args.includes('--full'),
      device: 'gpu',
      softwareRenderer: softwareRenderer(info.renderer) !== null,
      note: (text) => notes.push(text),
    };
    workloads[id] =
      id === 'W1' && sizes ? matmulCases(sizes, 'gpu') : await WORKLOADS[id].run(opts);
    if (notes.length) skippedWorkloads[id] = notes.join('; ');
  }
  return { info, workloads, skippedWorkloads };
}

console.log(JSON.stringify(await main(process.argv.slice(2))));
