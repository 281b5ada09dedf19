import { DataLoader, TensorDataset } from '@tensile/data';
import { Generator, rand, randint } from '@tensile/tensor';
import type { CaseResult } from './types';
import { loaderCase } from './w7-cases';

/** One epoch of batches, consumed and counted: the DataLoader's own cost. */
async function epoch(loader: AsyncIterable<unknown> & { length: number }): Promise<void> {
  let batches = 0;
  for await (const _ of loader) batches++;
  if (batches !== loader.length)
    throw new Error(`W7: expected ${loader.length} batches, got ${batches}`);
}

/**
 * W7, the DataLoader-only part: an epoch over 60,000 Fashion-MNIST-sized samples (28x28 float32,
 * int64 labels), batch 64, shuffled; the first epoch of each loader counts as warm-up.
 */
export async function loaderCases(): Promise<CaseResult[]> {
  const generator = new Generator(0);
  const dataset = new TensorDataset(
    rand([60_000, 28, 28], { generator }),
    randint(0, 10, [60_000], { generator }),
  );
  const results: CaseResult[] = [];
  for (const numWorkers of [0, 2]) {
    const loader = new DataLoader(dataset, {
      batchSize: 64,
      shuffle: true,
      numWorkers,
      persistentWorkers: numWorkers > 0,
      generator,
    });
    results.push(await loaderCase(numWorkers, () => epoch(loader)));
    await loader.close();
  }
  return results;
}
