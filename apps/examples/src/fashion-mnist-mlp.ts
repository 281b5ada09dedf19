// A multilayer perceptron on Fashion-MNIST (the W2 network: 784 -> 256 -> 10), trained with the
// main job's recipe and data pipeline (lib/fashion-mnist-data.ts): the smallest real image
// classifier, and many times faster per step than LeNet-5 on the CPU.
import '@tensile/autograd';
import { SummaryWriter } from '@tensile/board';
import { CrossEntropyLoss, Flatten, Linear, ReLU, Sequential } from '@tensile/nn';
import { SGD } from '@tensile/optim';
import { manualSeed } from '@tensile/tensor';
import { classifierFlags, classifierUsage } from './lib/classifier-flags';
import { boardCommand, parseFlags, runMain } from './lib/cli';
import { useDevice } from './lib/device';
import { fashionMnistLoaders, resolveFashionMnist } from './lib/fashion-mnist-data';
import { trainAndTest } from './lib/training';

const LR = 0.01;
const LOGDIR = 'runs/fashion-mnist-mlp';
const USAGE = `usage: pnpm --filter @tensile/examples run mlp [options]
  --epochs N        epochs (default 1 on the full data set, 5 on the sample)
  --data DIR        Fashion-MNIST directory (found as by the main job when not given)
${classifierUsage(LR, LOGDIR)}`;

await runMain(USAGE, async () => {
  const flags = parseFlags({ epochs: { type: 'int' }, ...classifierFlags(LR, LOGDIR) });
  const source = await resolveFashionMnist(flags.data);
  const epochs = flags.epochs ?? (source.sample ? 5 : 1);
  const { train, test } = fashionMnistLoaders(source.root, {
    batchSize: flags.batchSize,
    numWorkers: flags.workers,
  });
  console.log(`Fashion-MNIST from ${source.from}`);

  await useDevice(flags.device);
  manualSeed(0);
  const model = new Sequential(
    new Flatten(),
    new Linear(784, 256),
    new ReLU(),
    new Linear(256, 10),
  ).to(flags.device);
  const lossFn = new CrossEntropyLoss();
  const optimizer = new SGD(model.parameters(), { lr: flags.lr, momentum: 0.9 });
  const writer = new SummaryWriter(flags.logdir);
  const { limitSteps } = flags;
  const run = { model, train, test, lossFn, optimizer, writer, epochs, limitSteps };
  for (let epoch = 0; epoch < epochs; epoch++) await trainAndTest(epoch, run);
  await writer.close();
  await Promise.all([train.close(), test.close()]);
  console.log(`view the run with: ${boardCommand(flags.logdir)}`);
});
