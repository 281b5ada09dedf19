/**
 * W7 for TensorFlow.js: the W2 MLP and the W3 LeNet-5 trained on Fashion-MNIST from a tf.data
 * pipeline, and that pipeline alone as the loader-only row.
 */
import type * as tfType from '@tensorflow/tfjs';
import { loadSplit, missingFashionMnist, type Split } from '../data/fashion-mnist';
import type { CaseResult } from '../workloads/types';
import { loaderCase, loaderCaseName, QUICK_BATCHES, trainingCases } from '../workloads/w7-cases';
import { lenet, mlp, trainer } from './tfjs-models';
import { lenetSkipped, slowConv } from './tfjs-skips';
import type { TfjsRunOptions } from './types';

type Tf = typeof tfType;
type Batch = { xs: tfType.Tensor; ys: tfType.Tensor };

/**
 * The tf.data pipeline a tfjs user writes over in-memory tensors: the sample indices shuffled
 * anew each epoch (a buffer of all of them: a full shuffle, as PyTorch's RandomSampler does),
 * batched by 64, and the batch gathered from `x` and `y`.
 */
export function batches(
  tf: Tf,
  x: tfType.Tensor,
  y: tfType.Tensor,
  seed = '0',
): tfType.data.Dataset<Batch> {
  const n = x.shape[0];
  return tf.data
    .array(Array.from({ length: n }, (_, i) => i))
    .shuffle(n, seed)
    .batch(64)
    .map((indices) =>
      tf.tidy(() => {
        const i = (indices as tfType.Tensor).cast('int32');
        return { xs: tf.gather(x, i), ys: tf.gather(y, i) };
      }),
    );
}

/** Top-1 accuracy in percent of `model` on `x`, `y` (int32 labels), in chunks of 1,000. */
export function accuracy(
  tf: Tf,
  model: tfType.LayersModel,
  x: tfType.Tensor,
  y: tfType.Tensor,
): number {
  const n = x.shape[0];
  let correct = 0;
  for (let i = 0; i < n; i += 1000) {
    const size = Math.min(1000, n - i);
    correct += tf.tidy(() => {
      const logits = model.predict(x.slice(i, size)) as tfType.Tensor;
      return logits.argMax(-1).equal(y.slice(i, size)).sum().dataSync()[0];
    });
  }
  return (100 * correct) / n;
}

/** A split's first `n` samples as tfjs tensors: images [n, ...shape], int32 labels [n]. */
export function asTensors(
  tf: Tf,
  s: Split,
  shape: number[],
  n = s.n,
): [tfType.Tensor, tfType.Tensor] {
  return [
    tf.tensor(s.images.subarray(0, n * 784), [n, ...shape]),
    tf.tensor1d(Int32Array.from(s.labels.subarray(0, n)), 'int32'),
  ];
}

/**
 * One model's W7 training rows: `epochs` epochs from the tf.data pipeline with W2/W3's train
 * step, the epoch wall time and the test accuracy.
 */
export async function trainModel(
  tf: Tf,
  name: string,
  model: tfType.LayersModel,
  train: [tfType.Tensor, tfType.Tensor],
  test: [tfType.Tensor, tfType.Tensor],
  opts: { epochs: number; quick: boolean; backend: string },
): Promise<CaseResult[]> {
  const step = trainer(tf, model);
  const data = batches(tf, ...train);
  const epoch = () =>
    data.forEachAsync(({ xs, ys }) => {
      tf.tidy(() => step(xs, tf.oneHot(ys as tfType.Tensor1D, 10)));
      tf.dispose([xs, ys]);
    });
  const log = `tfjs-${opts.backend} W7`;
  return trainingCases(name, { ...opts, log }, epoch, () => accuracy(tf, model, ...test));
}

/** The MLP and LeNet-5 training rows, on 100 batches with --quick, where the backend can. */
async function trainingRuns(tf: Tf, opts: TfjsRunOptions): Promise<CaseResult[]> {
  const train = loadSplit('train');
  const test = loadSplit('t10k');
  const n = opts.quick ? QUICK_BATCHES * 64 : train.n;
  const rows: CaseResult[] = [];
  for (const [name, model, shape] of [
    ['MLP', mlp, [784]],
    ['LeNet-5', lenet, [28, 28, 1]],
  ] as const) {
    const why = name === 'LeNet-5' ? lenetSkipped(tf, opts) : null;
    if (why) {
      opts.skip(`${name}: ${why}`);
      continue;
    }
    // An hour an epoch on the cpu backend: one, where PyTorch and Tensile train three.
    const oneEpoch = name === 'LeNet-5' && slowConv(opts.backend);
    if (oneEpoch && opts.full)
      opts.skip(
        `${name}: test accuracy after 3 epochs: the cpu backend trains one epoch, about an hour`,
      );
    const epochs = opts.full && !oneEpoch ? 3 : 1;
    const trainData = asTensors(tf, train, [...shape], n);
    const testData = asTensors(tf, test, [...shape]);
    rows.push(...(await trainModel(tf, name, model(tf), trainData, testData, { ...opts, epochs })));
    tf.dispose([...trainData, ...testData]);
  }
  return rows;
}

/**
 * The loader-only rows: epochs of the tf.data pipeline over 60,000 random 28x28 samples, as
 * Tensile's and PyTorch's DataLoader over a TensorDataset. tf.data has no worker processes.
 */
export async function loaderRuns(tf: Tf, opts: TfjsRunOptions, n = 60_000): Promise<CaseResult[]> {
  const x = tf.randomUniform([n, 28, 28]);
  const y = tf.randomUniform([n], 0, 10, 'int32');
  const data = batches(tf, x, y);
  const row = await loaderCase(0, () => data.forEachAsync((b) => tf.dispose([b.xs, b.ys])));
  tf.dispose([x, y]);
  opts.skip(
    `${loaderCaseName(2)}: tf.data has no worker processes (its pipeline runs in the main thread, timed as numWorkers=0)`,
  );
  return [row];
}

/** W7's tfjs rows; the training runs need the Fashion-MNIST files. */
export async function w7(tf: Tf, opts: TfjsRunOptions): Promise<CaseResult[]> {
  const missing = missingFashionMnist();
  if (missing) opts.skip(`training runs: ${missing}`);
  return [...(missing ? [] : await trainingRuns(tf, opts)), ...(await loaderRuns(tf, opts))];
}
