import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSplit, missingFashionMnist } from '../src/data/fashion-mnist';
import { backendFlags, startBackend } from '../src/peers/tfjs-backend';
import { lenet, mlp } from '../src/peers/tfjs-models';
import { cannotTrainConv, lenetSkipped, notRun } from '../src/peers/tfjs-skips';
import { accuracy, asTensors, batches, loaderRuns, trainModel } from '../src/peers/tfjs-w7';

const onBackend = (backend: string) => async () => {
  expect(await tf.setBackend(backend)).toBe(true);
};

beforeAll(() => {
  tf.enableProdMode();
});
afterAll(onBackend('cpu'));

describe('tfjs backend flags', () => {
  it('names the wasm build that runs: SIMD, one thread (tfjs loads no threaded build in Node)', async () => {
    await startBackend(tf, 'wasm');
    expect(await backendFlags(tf)).toEqual({
      backend: 'wasm',
      simd: true,
      multithread: false,
      threads: 1,
    });
  });

  it('says the cpu backend is JavaScript on one thread', async () => {
    await startBackend(tf, 'cpu');
    expect(await backendFlags(tf)).toEqual({ backend: 'cpu', simd: false, threads: 1 });
  });
});

describe('tfjs skips', () => {
  it('skips convolution training on wasm, for want of Conv2DBackpropFilter', async () => {
    await onBackend('wasm')();
    expect(cannotTrainConv(tf)).toMatch(/wasm backend has no Conv2DBackpropFilter/);
    for (const full of [false, true]) {
      expect(lenetSkipped(tf, { backend: 'wasm', full })).toMatch(/Conv2DBackpropFilter/);
      expect(notRun(tf, 'W8', { backend: 'wasm', full })).toMatch(/Conv2DBackpropFilter/);
    }
    expect(notRun(tf, 'W2', { backend: 'wasm', full: false })).toBeNull();
  });

  it('runs the hour-long cpu cases (W7 LeNet-5, W8) only with --full', async () => {
    await onBackend('cpu')();
    expect(cannotTrainConv(tf)).toBeNull();
    expect(lenetSkipped(tf, { backend: 'cpu', full: false })).toMatch(/run with --full/);
    expect(lenetSkipped(tf, { backend: 'cpu', full: true })).toBeNull();
    expect(notRun(tf, 'W8', { backend: 'cpu', full: false })).toMatch(/run with --full/);
    expect(notRun(tf, 'W8', { backend: 'cpu', full: true })).toBeNull();
  });
});

describe('tfjs W7', () => {
  it('batches every sample once an epoch, x and y gathered together, reshuffled each epoch', async () => {
    await onBackend('cpu')();
    const n = 150;
    const x = tf.range(0, n).reshape([n, 1]);
    const y = tf.range(0, n, 1, 'int32');
    const epochs: number[][] = [];
    const data = batches(tf, x, y);
    for (let e = 0; e < 2; e++) {
      const seen: number[] = [];
      const sizes: number[] = [];
      await data.forEachAsync(({ xs, ys }) => {
        expect(Array.from(xs.dataSync())).toEqual(Array.from(ys.dataSync()));
        sizes.push(ys.shape[0]);
        seen.push(...ys.dataSync());
        tf.dispose([xs, ys]);
      });
      expect(sizes).toEqual([64, 64, 22]);
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      epochs.push(seen);
    }
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(epochs[0]).not.toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('counts top-1 accuracy over chunks of 1,000', async () => {
    await onBackend('cpu')();
    // An identity layer predicts class i % 3 for sample i; the first 500 labels are wrong.
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [3], units: 3, kernelInitializer: 'identity' })],
    });
    const n = 2500;
    const x = tf.oneHot(
      tf.tensor1d(
        Int32Array.from({ length: n }, (_, i) => i % 3),
        'int32',
      ),
      3,
    );
    const labels = Int32Array.from({ length: n }, (_, i) => (i < 500 ? (i + 1) % 3 : i % 3));
    expect(accuracy(tf, model, x, tf.tensor1d(labels, 'int32'))).toBeCloseTo(80, 10);
  });

  it('times the tf.data pipeline as numWorkers=0, and says why numWorkers=2 has no figure', async () => {
    await onBackend('cpu')();
    const reasons: string[] = [];
    const opts = { backend: 'cpu', quick: true, full: false, skip: (r: string) => reasons.push(r) };
    const rows = await loaderRuns(tf, opts, 256);
    expect(rows.map((r) => r.case)).toEqual(['loader only, numWorkers=0']);
    expect(rows[0].timing?.runs).toBe(3);
    expect(reasons).toEqual([
      expect.stringMatching(/^loader only, numWorkers=2: tf.data has no worker/),
    ]);
  });

  it('trains LeNet-5 channels last on the cpu backend (one small batch)', async () => {
    await onBackend('cpu')();
    const x = tf.randomNormal([16, 28, 28, 1]);
    const y = tf.tensor1d(
      Int32Array.from({ length: 16 }, (_, i) => i % 10),
      'int32',
    );
    const rows = await trainModel(tf, 'LeNet-5', lenet(tf), [x, y], [x, y], {
      epochs: 1,
      quick: true,
      backend: 'cpu',
    });
    expect(rows.map((r) => r.case)).toEqual([
      'LeNet-5: epoch wall time (quick: 100 batches)',
      'LeNet-5: test accuracy after 1 epoch (quick: 100 batches)',
    ]);
  });

  it.skipIf(missingFashionMnist())(
    'learns Fashion-MNIST: the MLP beats 70% after 100 batches (wasm)',
    async () => {
      await onBackend('wasm')();
      const train = loadSplit('train');
      const rows = await trainModel(
        tf,
        'MLP',
        mlp(tf),
        asTensors(tf, train, [784], 6400),
        asTensors(tf, loadSplit('t10k'), [784]),
        { epochs: 1, quick: true, backend: 'wasm' },
      );
      expect(rows[1].case).toBe('MLP: test accuracy after 1 epoch (quick: 100 batches)');
      expect(rows[1].figure).toBeGreaterThan(70);
    },
    20_000,
  );
});
