// Grad-CAM, as the notes draw class-activation heat maps with hooks: trains LeNet-5 on
// Fashion-MNIST (the full set where it is found, else the sample shipped here), then explains
// its prediction for the first test images at its second convolutional block and writes each
// image with its heat map drawn over it, as a PNG and as an image in a board run.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import '@tensile/autograd';
import { SummaryWriter } from '@tensile/board';
import { CrossEntropyLoss } from '@tensile/nn';
import { SGD } from '@tensile/optim';
import * as T from '@tensile/tensor';
import { camOverlay, gradCam, makeGrid, saveImage } from '@tensile/vision';
import { boardCommand, parseFlags, runMain } from './lib/cli';
import { fashionMnistLoaders, MEAN, resolveFashionMnist, STD } from './lib/fashion-mnist-data';
import { lenet5 } from './lib/models';
import { evaluate, percent, trainEpoch } from './lib/training';

const USAGE = `usage: pnpm --filter @tensile/examples grad-cam [--epochs N] [--images N] [--data DIR] [--out PATH] [--logdir DIR] [--limit-steps N]
  --epochs N       training epochs first (default 1; 5 on the sample shipped here)
  --images N       test images to explain (default 16)
  --out PATH       the overlay grid (default grad-cam.png)
  --logdir DIR     the board run the grid is logged to (default runs/grad-cam)`;

await runMain(USAGE, async () => {
  const flags = parseFlags({
    epochs: { type: 'int' },
    images: { type: 'int', default: 16 },
    data: { type: 'path' },
    out: { type: 'path', default: 'grad-cam.png' },
    logdir: { type: 'path', default: join('runs', 'grad-cam') },
    'limit-steps': { type: 'int' },
  });
  const source = await resolveFashionMnist(flags.data);
  const { train, test, testSet, classes } = fashionMnistLoaders(source.root, {
    batchSize: 64,
    numWorkers: 0,
  });
  T.manualSeed(0);
  const model = lenet5();
  const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const lossFn = new CrossEntropyLoss();
  const epochs = flags.epochs ?? (source.sample ? 5 : 1);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const loss = await trainEpoch(model, train, lossFn, optimizer, {
      limitSteps: flags['limit-steps'],
      desc: `epoch ${epoch + 1}`,
    });
    const { accuracy } = await evaluate(model, test);
    console.log(`epoch ${epoch + 1}: loss ${loss.toFixed(3)}, test accuracy ${percent(accuracy)}`);
  }

  const n = Math.min(flags.images, testSet.length);
  const samples = Array.from({ length: n }, (_, i) => testSet.get(i));
  const x = T.stack(samples.map(([image]) => image));
  // LeNet-5's second convolution and its ReLU (layer 4): a 10x10 map of 16 channels.
  const { cam, target } = gradCam(model, model.at(4), x);
  const pixels = x.mul(STD).add(MEAN).clamp(0, 1);
  const overlays = T.stack(
    samples.map((_, i) => camOverlay(pixels.select(0, i), cam.select(0, i))),
  );
  mkdirSync(dirname(flags.out), { recursive: true });
  await saveImage(overlays, flags.out, { nrow: 8 });
  const right = samples.filter(([, label], i) => label === target[i]).length;
  console.log(
    `explained ${n} test images (${right} predicted right): ${target
      .slice(0, 8)
      .map((t) => classes[t])
      .join(', ')}${n > 8 ? ', ...' : ''}`,
  );
  console.log(`wrote ${flags.out}`);
  mkdirSync(flags.logdir, { recursive: true });
  const writer = new SummaryWriter(flags.logdir);
  writer.addImage('grad-cam', makeGrid(overlays, { nrow: 8 }));
  writer.addText(
    'grad-cam/predicted',
    samples.map(([, label], i) => `${classes[target[i]]} (true: ${classes[label]})`).join(', '),
  );
  await writer.close();
  console.log(`logged to ${flags.logdir}; view it with ${boardCommand(flags.logdir)}`);
});
