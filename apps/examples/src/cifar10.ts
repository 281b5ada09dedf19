// LeNet-5 on CIFAR-10, PyTorch's "Training a classifier" tutorial: 3-channel 32 x 32 images,
// ToTensor + Normalize(0.5, 0.5), SGD lr 0.001 momentum 0.9, batch 64. It needs the real data
// set: pass --data DIR (a directory holding cifar-10-batches-py or cifar-10-batches-bin) or
// --download; without them it says where to put the files.
import '@tensile/autograd';
import { SummaryWriter } from '@tensile/board';
import { DataLoader } from '@tensile/data';
import { CrossEntropyLoss } from '@tensile/nn';
import { SGD } from '@tensile/optim';
import { manualSeed, type Tensor } from '@tensile/tensor';
import { CIFAR10, Compose, DatasetError, Normalize, ToTensor } from '@tensile/vision';
import { cacheDir } from './lib/cache-dir';
import { classifierFlags, classifierUsage } from './lib/classifier-flags';
import { boardCommand, parseFlags, runMain, UsageError } from './lib/cli';
import { useDevice } from './lib/device';
import { lenet5 } from './lib/models';
import { percent, trainAndTest } from './lib/training';

const LR = 0.001;
const LOGDIR = 'runs/cifar10';
const USAGE = `usage: pnpm --filter @tensile/examples run cifar10 [options]
  --epochs N        epochs (default 2)
  --data DIR        CIFAR-10 root: holds cifar-10-batches-py/ (or cifar-10-batches-bin/)
                    (default: $TENSILE_DATA or ~/.cache/tensile/datasets)
  --download        fetch and extract cifar-10-python.tar.gz (163 MB) into the root if missing
${classifierUsage(LR, LOGDIR)}`;

await runMain(USAGE, async () => {
  const flags = parseFlags({
    epochs: { type: 'int', default: 2 },
    download: { type: 'boolean', default: false },
    ...classifierFlags(LR, LOGDIR),
  });
  const root = flags.data ?? cacheDir();
  const transform = new Compose<unknown, Tensor>([
    new ToTensor(),
    new Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
  ]);
  let trainSet: CIFAR10<Tensor>;
  let testSet: CIFAR10<Tensor>;
  try {
    trainSet = await CIFAR10.create(root, {
      train: true,
      transform,
      download: flags.download,
    });
    testSet = new CIFAR10<Tensor>(root, { train: false, transform });
  } catch (e) {
    if (!(e instanceof DatasetError)) throw e;
    throw new UsageError(
      `CIFAR-10 could not be loaded from ${root}: pass --data DIR, or --download to fetch it.\n${e.message}`,
    );
  }
  const workers = { numWorkers: flags.workers, persistentWorkers: flags.workers > 0 };
  const train = new DataLoader(trainSet, { batchSize: flags.batchSize, shuffle: true, ...workers });
  const test = new DataLoader(testSet, { batchSize: flags.batchSize, ...workers });
  console.log(
    `CIFAR-10 from ${root}: ${trainSet.length} training and ${testSet.length} test images; classes ${trainSet.classes.join(', ')}`,
  );

  await useDevice(flags.device);
  manualSeed(0);
  // The tutorial's network: LeNet-5 for 3 x 32 x 32 inputs, no padding on the first conv.
  const model = lenet5({ inChannels: 3, padding: 0 }).to(flags.device);
  const lossFn = new CrossEntropyLoss();
  const optimizer = new SGD(model.parameters(), { lr: flags.lr, momentum: 0.9 });
  const writer = new SummaryWriter(flags.logdir);
  const { epochs, limitSteps } = flags;
  const run = { model, train, test, lossFn, optimizer, writer, epochs, limitSteps };
  let tested = { accuracy: Number.NaN, count: 0 };
  for (let epoch = 0; epoch < epochs; epoch++) tested = await trainAndTest(epoch, run);
  await writer.close();
  await Promise.all([train.close(), test.close()]);
  const { accuracy, count } = tested;
  console.log(`Accuracy of the network on the ${count} test images: ${percent(accuracy)}`);
  console.log(`view the run with: ${boardCommand(flags.logdir)}`);
});
