/**
 * The TensorFlow.js side of the suite, run in its own process per backend:
 * `tfjs-child.ts <cpu|wasm> [--quick] [--full] W1 W2 ...` prints {info, workloads, skippedWorkloads}
 * as JSON.
 */
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { msCase, time } from '../timing';
import type { CaseResult } from '../workloads/types';
import { matmulCase, W1_SIZES } from '../workloads/w1-matmul';
import { memoryCases, memoryChild, W8_STEPS } from '../workloads/w8-memory';
import { backendFlags, startBackend } from './tfjs-backend';
import { lenet, mlp, resnet18, trainer } from './tfjs-models';
import { notRun } from './tfjs-skips';
import { w7 } from './tfjs-w7';
import type { TfjsRunOptions } from './types';

type Tf = typeof tf;

const W8_CHILD = fileURLToPath(new URL('./tfjs-w8-child.ts', import.meta.url));

/**
 * Reads a result back, then frees it. Not `tf.tidy(() => t.dataSync())`: tidy walks what its
 * function returns for tensors to keep, key by key, so a returned data array costs a Set entry
 * per element: 1.4 s for a 1024x1024 matmul result whose matmul takes 70 ms on wasm.
 */
function readBack(t: tf.Tensor): void {
  t.dataSync();
  t.dispose();
}

function trainStep(
  model: tf.LayersModel,
  xShape: number[],
  batch: number,
  times: { warmup: number; runs: number },
): CaseResult[] {
  const step = trainer(tf, model);
  const x = tf.randomNormal(xShape);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32') as tf.Tensor1D, 10);
  return [
    msCase(
      `batch ${batch}`,
      time(() => step(x, y), times),
      'ms/step',
    ),
  ];
}

/** Each workload's tfjs twin; `opts.skip` records why a part of it could not run. */
const WORKLOADS: Record<
  string,
  (tf: Tf, opts: TfjsRunOptions) => CaseResult[] | Promise<CaseResult[]>
> = {
  W1: (tf) =>
    W1_SIZES.map((n) => {
      const a = tf.randomUniform([n, n]);
      const b = tf.randomUniform([n, n]);
      return matmulCase(n, () => readBack(tf.matMul(a, b)));
    }),
  W2: (tf) => trainStep(mlp(tf), [64, 784], 64, { warmup: 20, runs: 200 }),
  W3: (tf) => trainStep(lenet(tf), [64, 28, 28, 1], 64, { warmup: 5, runs: 50 }),
  W4: (tf, { skip }) => {
    const x = tf.randomNormal([64, 32, 32, 3]);
    const filter = tf.randomNormal([3, 3, 3, 64]);
    const bias = tf.randomNormal([64]);
    const conv = (x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor) =>
      tf.fused.conv2d({ x, filter, bias, strides: 1, pad: 'same' });
    const grads = tf.grads((x, f, b) => conv(x as tf.Tensor4D, f as tf.Tensor4D, b).sum());
    const times = { warmup: 2, runs: 10 };
    const forward = msCase(
      'forward',
      time(() => readBack(conv(x as tf.Tensor4D, filter as tf.Tensor4D, bias)), times),
    );
    // The wasm backend has no Conv2DBackpropFilter: keep the forward figure all the same.
    try {
      const both = time(
        () =>
          tf.tidy(() => {
            for (const g of grads([x, filter, bias])) g.dataSync();
          }),
        times,
      );
      return [forward, msCase('forward + backward', both)];
    } catch (e) {
      skip(`forward + backward: ${(e as Error).message}`);
      return [forward];
    }
  },
  W5: (tf) => {
    // Batch-major [32, 50, 32]: tfjs's layout for [seq 50, batch 32, input 32]. PyTorch's
    // init, U(-1/sqrt(hidden), 1/sqrt(hidden)), instead of tfjs's orthogonal one, which warns.
    const init = () =>
      tf.initializers.randomUniform({ minval: -1 / Math.sqrt(128), maxval: 1 / Math.sqrt(128) });
    const lstm = tf.layers.lstm({
      units: 128,
      returnSequences: true,
      kernelInitializer: init(),
      recurrentInitializer: init(),
    });
    const x = tf.randomNormal([32, 50, 32]);
    lstm.apply(x);
    const timing = time(
      () =>
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => (lstm.apply(x) as tf.Tensor).sum() as tf.Scalar);
          for (const g of Object.values(grads)) g.dataSync();
        }),
      { warmup: 1, runs: 5 },
    );
    return [msCase('forward + backward', timing)];
  },
  W6: (tf) => trainStep(resnet18(tf, 10), [32, 32, 32, 3], 32, { warmup: 2, runs: 5 }),
  W7: w7,
  // In a fresh process, as Tensile's and PyTorch's W8: nothing else measured here is in its RSS.
  W8: (_tf, { backend, quick }) => {
    const steps = quick ? W8_STEPS.quick : W8_STEPS.full;
    return memoryCases(memoryChild(W8_CHILD, [backend, String(steps)]), steps);
  },
};

const args = process.argv.slice(2);
const full = args.includes('--full');
const quick = args.includes('--quick');
const [backend, ...ids] = args.filter((a) => !a.startsWith('--'));
await startBackend(tf, backend);
const workloads: Record<string, CaseResult[]> = {};
const skippedWorkloads: Record<string, string> = {};
for (const id of ids) {
  const why = notRun(tf, id, { backend, full });
  if (why) skippedWorkloads[id] = why;
  else if (WORKLOADS[id]) {
    process.stderr.write(`  tfjs-${backend} ${id}\n`);
    // A workload can lack several parts (W7 on wasm: LeNet-5, the loader with workers).
    const reasons: string[] = [];
    const skip = (reason: string) => reasons.push(reason);
    try {
      workloads[id] = await WORKLOADS[id](tf, { backend, quick, full, skip });
    } catch (e) {
      // A backend without a kernel the workload needs (wasm has no Conv2DBackpropFilter).
      skip((e as Error).message);
    }
    if (reasons.length) skippedWorkloads[id] = reasons.join('; ');
  }
}
const info = { version: tf.version.tfjs, ...(await backendFlags(tf)) };
console.log(JSON.stringify({ info, workloads, skippedWorkloads }));
