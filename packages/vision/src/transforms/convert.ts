import type { WorkerSpec } from '@tensile/data';
import type { DType, Tensor } from '@tensile/tensor';
import { convertImageDtype, normalize } from '../functional/convert';
import { type Image, type ImageMode, pilToTensor, toImage, toTensor } from '../image';
import { Transform, transformSpec } from './transform';

/**
 * An Image (HWC uint8) or a uint8 [C, H, W] tensor to a float32 [C, H, W] tensor in [0, 1]
 * (torchvision's ToTensor); tensors of other dtypes pass unchanged.
 */
export class ToTensor extends Transform<Image | Tensor, Tensor> {
  call(pic: Image | Tensor): Tensor {
    return toTensor(pic);
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'ToTensor', []);
  }
}

/** An Image to a uint8 [C, H, W] tensor, unscaled (torchvision's PILToTensor). */
export class PILToTensor extends Transform<Image, Tensor> {
  call(pic: Image): Tensor {
    return pilToTensor(pic);
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'PILToTensor', []);
  }
}

/** A [C, H, W] tensor to an Image (torchvision's ToPILImage): floats are scaled by 255. */
export class ToImage extends Transform<Tensor | Image, Image> {
  constructor(readonly opts: { mode?: ImageMode } = {}) {
    super();
  }
  call(pic: Tensor | Image): Image {
    return toImage(pic as Tensor, this.opts);
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'ToImage', [this.opts]);
  }
  override toString(): string {
    return `ToImage(${this.opts.mode ? `mode=${this.opts.mode}` : ''})`;
  }
}

/** Rescales a tensor image to another dtype (uint8 [0, 255] <-> float [0, 1]). */
export class ConvertImageDtype extends Transform<Tensor, Tensor> {
  constructor(readonly dtype: DType) {
    super();
  }
  call(image: Tensor): Tensor {
    return convertImageDtype(image, this.dtype);
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'ConvertImageDtype', [this.dtype]);
  }
  override toString(): string {
    return `ConvertImageDtype(dtype=${this.dtype})`;
  }
}

/** (x - mean) / std per channel of a float tensor image [..., C, H, W]. */
export class Normalize extends Transform<Tensor, Tensor> {
  constructor(
    readonly mean: readonly number[] | number,
    readonly std: readonly number[] | number,
    readonly opts: { inplace?: boolean } = {},
  ) {
    super();
  }
  call(x: Tensor): Tensor {
    return normalize(x, this.mean, this.std, this.opts);
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'Normalize', [this.mean, this.std, this.opts]);
  }
  override toString(): string {
    return `Normalize(mean=${JSON.stringify(this.mean)}, std=${JSON.stringify(this.std)})`;
  }
}
