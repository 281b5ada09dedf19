// A dataset of your own: subclass Dataset with `length` and `get(i)`, hand it to a DataLoader,
// and get shuffled batches of tensors collated as PyTorch's default_collate does.
// Run: pnpm --filter @tensile/examples run custom-dataset
import { DataLoader, Dataset } from '@tensile/data';
import { manualSeed } from '@tensile/tensor';

class MyDs extends Dataset<[number, number]> {
  constructor(
    readonly x: number[],
    readonly y: number[],
  ) {
    super();
  }

  get length(): number {
    return this.x.length;
  }

  get(i: number): [number, number] {
    return [this.x[i], this.y[i]];
  }
}

manualSeed(0);
const dataset = new MyDs([1, 2, 3, 4], [0, 1, 1, 1]);
console.log(
  `dataset of ${dataset.length} samples; dataset.get(2) = [${dataset.get(2).join(', ')}]`,
);

const loader = new DataLoader(dataset, { batchSize: 2, shuffle: true });
console.log(`${loader.length} batches per epoch`);
for (let epoch = 0; epoch < 2; epoch++) {
  for (const [x, y] of loader) {
    // Integers become int64 tensors of shape [batchSize], as Python ints do in PyTorch.
    console.log(`epoch ${epoch}: x = ${x.toString()}, y = ${y.toString()}`);
  }
}
