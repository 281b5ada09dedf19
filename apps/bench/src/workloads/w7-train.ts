import { DataLoader, TensorDataset } from '@tensile/data';
import type { Module } from '@tensile/nn';
import { Generator, manualSeed, noGrad, type Tensor, tensor } from '@tensile/tensor';
import { loadSplit, type Split } from '../data/fashion-mnist';
import { lenet, mlp } from './models';
import { trainer } from './train';
import type { CaseResult, RunOptions } from './types';
import { QUICK_BATCHES, trainingCases } from './w7-cases';

const asTensors = (s: Split, n = s.n): [Tensor, Tensor] => [
  tensor(s.images.subarray(0, n * 784)).reshape([n, 1, 28, 28]),
  tensor(s.labels.subarray(0, n), { dtype: 'int64' }),
];

/** Top-1 accuracy in percent over the test split, in eval mode without a graph. */
function accuracy(net: Module, [x, y]: [Tensor, Tensor]): number {
  net.eval();
  let correct = 0;
  noGrad(() => {
    for (let i = 0; i < y.shape[0]; i += 1000) {
      const logits = net.forward(x.slice(0, i, i + 1000)) as Tensor;
      correct += logits
        .argmax(1)
        .eq(y.slice(0, i, i + 1000))
        .sum()
        .item();
    }
  });
  net.train();
  return (100 * correct) / y.shape[0];
}

/**
 * W7's training runs: each model trained on Fashion-MNIST (batch 64, shuffled, SGD lr 0.01
 * momentum 0.9) for one epoch, or three with --full; epoch wall time and test accuracy.
 */
export async function trainCases(opts: RunOptions): Promise<CaseResult[]> {
  const train = loadSplit('train');
  const test = asTensors(loadSplit('t10k'));
  const [x, y] = asTensors(train, opts.quick ? QUICK_BATCHES * 64 : train.n);
  const run = { epochs: opts.full ? 3 : 1, quick: opts.quick, log: 'W7' };
  const out: CaseResult[] = [];
  for (const [name, model] of [
    ['MLP', mlp],
    ['LeNet-5', lenet],
  ] as const) {
    manualSeed(0);
    const net = model();
    const step = trainer(net);
    const loader = new DataLoader(new TensorDataset(x, y), {
      batchSize: 64,
      shuffle: true,
      generator: new Generator(0),
    });
    const epoch = async () => {
      for await (const [xb, yb] of loader as AsyncIterable<[Tensor, Tensor]>) step(xb, yb);
    };
    out.push(...(await trainingCases(name, run, epoch, () => accuracy(net, test))));
  }
  return out;
}
