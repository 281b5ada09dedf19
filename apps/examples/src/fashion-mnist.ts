// The main job (`pnpm demo`): LeNet-5 trained on Fashion-MNIST, PyTorch's classic first CNN.
// Data through a shuffling DataLoader with ToTensor + Normalize, SGD with momentum, eval-mode
// accuracy without gradients, a progress bar, a TensorBoard run, and a checkpoint after every
// epoch that --resume continues from. The loops themselves are in lib/training.ts.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import '@tensile/autograd';
import { SummaryWriter } from '@tensile/board';
import { modelGraph } from '@tensile/export';
import { CrossEntropyLoss, type StateDict } from '@tensile/nn';
import { type OptimizerStateDict, SGD } from '@tensile/optim';
import { load, save } from '@tensile/serialize';
import {
  defaultGenerator,
  type GeneratorState,
  manualSeed,
  stack,
  type Tensor,
  tensor,
} from '@tensile/tensor';
import { makeGrid } from '@tensile/vision';
import { classifierFlags, classifierUsage } from './lib/classifier-flags';
import { boardCommand, parseFlags, runMain, UsageError } from './lib/cli';
import { useDevice } from './lib/device';
import { fashionMnistLoaders, MEAN, resolveFashionMnist, STD } from './lib/fashion-mnist-data';
import { logEmbedding, logPrCurves } from './lib/insight';
import { lenet5 } from './lib/models';
import { evaluate, percent, trainAndTest } from './lib/training';

const LR = 0.01;
const LOGDIR = 'runs/fashion-mnist';
const USAGE = `usage: pnpm demo [options]   (or: pnpm --filter @tensile/examples run main [options])
  --epochs N        epochs to train in all (default 1 on the full data set, 5 on the sample)
  --data DIR        Fashion-MNIST directory (default: $TENSILE_DATA or ~/.cache/tensile/datasets,
                    then /usr/share/datasets/fashion-mnist, then a download, then the shipped sample)
  --resume          continue from the checkpoint in the log directory up to --epochs
${classifierUsage(LR, LOGDIR)}`;

/** What is saved after every epoch; the generator state makes a resumed run repeat exactly. */
interface Checkpoint {
  model: StateDict;
  optimizer: OptimizerStateDict;
  epoch: number;
  rng: GeneratorState;
}

await runMain(USAGE, async () => {
  const flags = parseFlags({
    epochs: { type: 'int' },
    resume: { type: 'boolean', default: false },
    ...classifierFlags(LR, LOGDIR),
  });
  const checkpointPath = join(flags.logdir, 'checkpoint.safetensors');
  if (flags.resume && !existsSync(checkpointPath))
    throw new UsageError(`--resume: no checkpoint at '${checkpointPath}'`);

  const source = await resolveFashionMnist(flags.data);
  const epochs = flags.epochs ?? (source.sample ? 5 : 1);
  const { train, test, trainSet, testSet, classes } = fashionMnistLoaders(source.root, {
    batchSize: flags.batchSize,
    numWorkers: flags.workers,
  });
  console.log(
    `Fashion-MNIST from ${source.from}: ${trainSet.length} training and ${testSet.length} test images`,
  );

  await useDevice(flags.device);
  manualSeed(0);
  const model = lenet5().to(flags.device);
  const lossFn = new CrossEntropyLoss();
  const optimizer = new SGD(model.parameters(), { lr: flags.lr, momentum: 0.9 });
  let startEpoch = 0;
  if (flags.resume) {
    const checkpoint = await load<Checkpoint>(checkpointPath);
    model.loadStateDict(checkpoint.model);
    optimizer.loadStateDict(checkpoint.optimizer);
    defaultGenerator.setState(checkpoint.rng);
    startEpoch = checkpoint.epoch;
    console.log(`resumed from ${checkpointPath} after epoch ${startEpoch}`);
  }
  console.log(model.toString());

  mkdirSync(flags.logdir, { recursive: true });
  const writer = new SummaryWriter(flags.logdir);
  if (startEpoch === 0) {
    // The first test images as the network sees them, normalization undone to [0, 1] pixels.
    const samples = Array.from({ length: Math.min(32, testSet.length) }, (_, i) => testSet.get(i));
    const pixels = stack(samples.map(([x]) => x))
      .mul(STD)
      .add(MEAN);
    writer.addImage('inputs', makeGrid(pixels));
    writer.addText('inputs/labels', samples.map(([, label]) => classes[label]).join(', '));
    writer.addText('model', `\`\`\`\n${model.toString()}\n\`\`\``);
    // The model's graph as add_graph traces it (tracing needs the cpu; the structure is the same).
    if (flags.device === 'cpu') writer.addGraph(modelGraph(model, samples[0][0].unsqueeze(0)));
    writer.addText(
      'config',
      `data: ${source.from}; epochs ${epochs}, batch ${flags.batchSize}, SGD lr ${flags.lr} momentum 0.9`,
    );
  }

  const { limitSteps } = flags;
  const run = { model, train, test, lossFn, optimizer, writer, epochs, limitSteps };
  // Test images for the PR curves and the embedding: the first 1,000 (all of a smaller set).
  const shown = Array.from({ length: Math.min(1000, testSet.length) }, (_, i) => testSet.get(i));
  const probe: [Tensor, Tensor] = [
    stack(shown.map(([x]) => x)),
    tensor(
      shown.map(([, label]) => label),
      { dtype: 'int64' },
    ),
  ];
  let tested: { accuracy: number; count: number } | undefined;
  for (let epoch = startEpoch; epoch < epochs; epoch++) {
    tested = await trainAndTest(epoch, run);
    for (const [name, p] of model.namedParameters()) writer.addHistogram(name, p, epoch + 1);
    logPrCurves(writer, model, probe, classes, epoch + 1);
    if (epoch === epochs - 1) {
      // The projector's embedding after the last epoch: 500 images keep its files small.
      const n = Math.min(500, shown.length);
      const few: [Tensor, Tensor] = [probe[0].narrow(0, 0, n), probe[1].narrow(0, 0, n)];
      const pixels = few[0].mul(STD).add(MEAN).clamp(0, 1);
      logEmbedding(writer, model, few, pixels, classes, epoch + 1);
    }
    const checkpoint: Checkpoint = {
      model: model.stateDict(),
      optimizer: optimizer.stateDict(),
      epoch: epoch + 1,
      rng: defaultGenerator.getState(),
    };
    await save(checkpoint, checkpointPath); // atomic: a crash leaves the old checkpoint or the new
  }
  await writer.close();

  // Resumed from a checkpoint already at --epochs: nothing was trained, so test what was loaded.
  tested ??= await evaluate(model, test, { limitSteps });
  await Promise.all([train.close(), test.close()]);
  const { accuracy, count } = tested;
  const trained = Math.max(epochs, startEpoch);
  console.log(
    `final test accuracy: ${percent(accuracy)} on ${count} images after ${trained} epoch${trained === 1 ? '' : 's'}`,
  );
  console.log(`checkpoint: ${checkpointPath}; view the run with: ${boardCommand(flags.logdir)}`);
});
