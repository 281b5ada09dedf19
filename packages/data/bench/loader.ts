/**
 * DataLoader epoch time over an MNIST-sized in-memory TensorDataset (60,000 samples of 28x28
 * float32, int64 labels), batch 64, shuffled, with numWorkers 0, 2, and 2 with persistentWorkers.
 * From source: pnpm --filter @tensile/data bench (tsx --conditions=@tensile/source bench/loader.ts);
 * against the build: tsx bench/loader.ts after building. Options: --epochs N (default 3).
 */
import { parseArgs } from 'node:util';
import { DataLoader, TensorDataset } from '@tensile/data';
import { Generator, rand, randint } from '@tensile/tensor';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '3' },
    workers: { type: 'string', default: '0,2' },
  },
});
const epochs = Number(values.epochs);
const generator = new Generator(0);
const images = rand([60_000, 28, 28], { generator });
const labels = randint(0, 10, [60_000], { generator });
const dataset = new TensorDataset(images, labels);

async function epochMs(loader: AsyncIterable<unknown> & { length: number }): Promise<number> {
  const start = performance.now();
  let batches = 0;
  for await (const _ of loader) batches++;
  if (batches !== loader.length)
    throw new Error(`expected ${loader.length} batches, got ${batches}`);
  return performance.now() - start;
}

const configs = [
  { numWorkers: 0, persistentWorkers: false },
  { numWorkers: 2, persistentWorkers: false },
  { numWorkers: 2, persistentWorkers: true },
];
for (const { numWorkers, persistentWorkers } of configs) {
  const loader = new DataLoader(dataset, {
    batchSize: 64,
    shuffle: true,
    numWorkers,
    persistentWorkers,
    generator,
  });
  const times: number[] = [];
  for (let e = 0; e < epochs; e++) times.push(await epochMs(loader));
  await loader.close();
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const label = `numWorkers=${numWorkers}${persistentWorkers ? ' persistentWorkers' : ''}`;
  console.log(
    `DataLoader ${label}, batch 64, 60000x28x28 float32: ${mean.toFixed(0)} ms/epoch ` +
      `(epochs: ${times.map((t) => t.toFixed(0)).join(', ')})`,
  );
}
