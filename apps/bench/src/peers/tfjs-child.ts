/**
 * The TensorFlow.js side of the suite, run in its own process per backend:
 * `tfjs-child.ts <cpu|wasm> [--full] W1 W2 ...` prints {info, workloads, skippedWorkloads} as JSON.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { msCase, time } from '../timing';
import type { CaseResult } from '../workloads/types';
import { matmulCase, W1_SIZES } from '../workloads/w1-matmul';
import { lenet, mlp, resnet18 } from './tfjs-models';

type Tf = typeof tf;

/** A classifier's train step: softmax cross-entropy on one-hot labels, momentum SGD. */
function trainer(model: tf.LayersModel, lr = 0.01): (x: tf.Tensor, y: tf.Tensor) => void {
  const optimizer = tf.train.momentum(lr, 0.9);
  return (x, y) =>
    tf.tidy(() => {
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
        true,
      );
      loss?.dataSync();
    });
}

function trainStep(
  model: tf.LayersModel,
  xShape: number[],
  batch: number,
  times: { warmup: number; runs: number },
): CaseResult[] {
  const step = trainer(model);
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

/** Each workload's tfjs twin; `skip` records why a part of it could not run. */
const WORKLOADS: Record<string, (tf: Tf, skip: (reason: string) => void) => CaseResult[]> = {
  W1: (tf) =>
    W1_SIZES.map((n) => {
      const a = tf.randomUniform([n, n]);
      const b = tf.randomUniform([n, n]);
      return matmulCase(n, () => tf.tidy(() => tf.matMul(a, b).dataSync()));
    }),
  W2: (tf) => trainStep(mlp(tf), [64, 784], 64, { warmup: 20, runs: 200 }),
  W3: (tf) => trainStep(lenet(tf), [64, 28, 28, 1], 64, { warmup: 5, runs: 50 }),
  W4: (tf, skip) => {
    const x = tf.randomNormal([64, 32, 32, 3]);
    const filter = tf.randomNormal([3, 3, 3, 64]);
    const bias = tf.randomNormal([64]);
    const conv = (x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor) =>
      tf.fused.conv2d({ x, filter, bias, strides: 1, pad: 'same' });
    const grads = tf.grads((x, f, b) => conv(x as tf.Tensor4D, f as tf.Tensor4D, b).sum());
    const times = { warmup: 2, runs: 10 };
    const forward = msCase(
      'forward',
      time(
        () => tf.tidy(() => conv(x as tf.Tensor4D, filter as tf.Tensor4D, bias).dataSync()),
        times,
      ),
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
};

const SKIPPED: Record<string, string> = {
  W7: 'the Fashion-MNIST training runs and the DataLoader are compared with PyTorch only',
  W8: 'the memory workload is compared with PyTorch only',
};

/** Why a workload is not run on this backend even though tfjs has the pieces, or null. */
function tooSlow(id: string, backend: string, full: boolean): string | null {
  if (id === 'W6' && backend === 'cpu' && !full)
    return "the cpu backend's conv2d is naive (W4's forward alone takes seconds): a ResNet-18 step takes minutes; run with --full to measure it";
  return null;
}

const args = process.argv.slice(2);
const full = args.includes('--full');
const [backend, ...ids] = args.filter((a) => a !== '--full');
// Production mode: no debug checks, and no "install tfjs-node" banner on the cpu backend.
tf.enableProdMode();
if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
await tf.ready();
const workloads: Record<string, CaseResult[]> = {};
const skippedWorkloads: Record<string, string> = {};
for (const id of ids) {
  const why = SKIPPED[id] ?? tooSlow(id, backend, full);
  if (why) skippedWorkloads[id] = why;
  else if (WORKLOADS[id]) {
    process.stderr.write(`  tfjs-${backend} ${id}\n`);
    try {
      workloads[id] = WORKLOADS[id](tf, (reason) => {
        skippedWorkloads[id] = reason;
      });
    } catch (e) {
      // A backend without a kernel the workload needs (wasm has no Conv2DBackpropFilter).
      skippedWorkloads[id] = (e as Error).message;
    }
  }
}
const info = { version: tf.version.tfjs, backend: tf.getBackend() };
console.log(JSON.stringify({ info, workloads, skippedWorkloads }));
