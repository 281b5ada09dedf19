import type { WorkerSpec } from '@tensile/data';
import { Generator, randn } from '@tensile/tensor';
import { type Image, toImage } from '../image';
import { VisionDataset, type VisionDatasetOptions } from './vision-dataset';

export interface FakeDataOptions<S, T> extends VisionDatasetOptions<S, T> {
  /** Number of samples; default 1000. */
  size?: number;
  /** [C, H, W]; default [3, 224, 224]. */
  imageSize?: readonly [number, number, number];
  numClasses?: number;
  /** Added to the index to seed each sample. */
  randomOffset?: number;
}

/**
 * Random images and labels, the same for an index every time (torchvision's FakeData): sample
 * i comes from a generator seeded with i + randomOffset. Images are standard normal noise
 * scaled to uint8 like ToImage (saturating where torchvision wraps around).
 */
export class FakeData<S = Image, T = number> extends VisionDataset<S, T, Image, number> {
  readonly size: number;
  readonly imageSize: readonly [number, number, number];
  readonly numClasses: number;
  readonly randomOffset: number;

  constructor(opts: FakeDataOptions<S, T> = {}) {
    super('', opts);
    this.size = opts.size ?? 1000;
    this.imageSize = opts.imageSize ?? [3, 224, 224];
    this.numClasses = opts.numClasses ?? 10;
    this.randomOffset = opts.randomOffset ?? 0;
  }

  get length(): number {
    return this.size;
  }

  protected rawItem(index: number): [Image, number] {
    const g = new Generator(index + this.randomOffset);
    const img = randn([...this.imageSize], { generator: g });
    return [toImage(img), g.randint(0, this.numClasses)];
  }

  override workerSpec(): WorkerSpec {
    const { size, imageSize, numClasses, randomOffset } = this;
    return {
      module: import.meta.url,
      export: 'FakeData',
      args: [{ ...this.transformOptions(), size, imageSize, numClasses, randomOffset }],
    };
  }
}
