import { Dataset } from '@tensile/data';
import { IndexError } from '@tensile/tensor';
import { applyTransform, type TransformLike } from '../transforms/transform';

/** What every vision dataset takes besides its root: transforms of the sample and of the target. */
export interface VisionDatasetOptions<S = unknown, T = unknown> {
  /** Applied to each sample (an Image for the image datasets) in get(). */
  transform?: TransformLike<never, S>;
  /** Applied to each target (a class index) in get(). */
  targetTransform?: TransformLike<never, T>;
}

/**
 * Base of the datasets (torchvision's VisionDataset): `get(i)` returns [sample, target] after
 * the transforms. Subclasses give `length` and `rawItem(i)`.
 */
export abstract class VisionDataset<S, T, RawS = unknown, RawT = number> extends Dataset<[S, T]> {
  readonly transform?: TransformLike<never, S>;
  readonly targetTransform?: TransformLike<never, T>;

  constructor(
    readonly root: string,
    opts: VisionDatasetOptions<S, T> = {},
  ) {
    super();
    this.transform = opts.transform;
    this.targetTransform = opts.targetTransform;
  }

  protected abstract rawItem(index: number): [RawS, RawT];

  get(index: number): [S, T] {
    const n = this.length;
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new IndexError(
        `${this.constructor.name}: index ${index} is out of range for a dataset of length ${n}`,
      );
    }
    const [sample, target] = this.rawItem(index < 0 ? index + n : index);
    const s = this.transform ? applyTransform(this.transform, sample as never) : sample;
    const t = this.targetTransform ? applyTransform(this.targetTransform, target as never) : target;
    return [s as S, t as T];
  }

  /** The options to rebuild this dataset in a DataLoader worker. */
  protected transformOptions(): VisionDatasetOptions<S, T> {
    return { transform: this.transform, targetTransform: this.targetTransform };
  }
}
