/**
 * Starting a TensorFlow.js backend for the bench in its fastest configuration, and the flags
 * that say which configuration it got (printed in the report's header).
 */
import { cpus } from 'node:os';
import type * as tfType from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

type Tf = typeof tfType;

/**
 * Production mode (no debug checks, no "install tfjs-node" banner), then the backend. The wasm
 * backend is asked for every core, as a user who wants speed asks; tfjs decides what it gets:
 * its SIMD build where WebAssembly SIMD validates (Node 20 does), and threads only with its
 * threaded build, which it never loads in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there,
 * tfjs issue 3830) and whose pool it caps at logical cores / 2 anyway: 1 on 2 cores.
 */
export async function startBackend(tf: Tf, backend: string): Promise<void> {
  tf.enableProdMode();
  if (backend === 'wasm') setThreadsCount(cpus().length);
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
  await tf.ready();
}

/** What the running backend computes with: WebAssembly SIMD or not, and its threads. */
export async function backendFlags(tf: Tf): Promise<Record<string, unknown>> {
  const backend = tf.getBackend();
  if (backend !== 'wasm') return { backend, simd: false, threads: 1 };
  const env = tf.env();
  return {
    backend,
    simd: await env.getAsync('WASM_HAS_SIMD_SUPPORT'),
    multithread: await env.getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    threads: getThreadsCount(),
  };
}
