import type { WorkerSpec } from '@tensile/data';
import { ValueError } from '@tensile/tensor';
import { getDimensions, type Img, type InterpolationMode } from '../functional/common';
import { centerCrop, crop, fiveCrop, resizedCrop, setupSize, tenCrop } from '../functional/crop';
import { type PaddingMode, pad, parsePadding } from '../functional/pad';
import { type ResizeOptions, resize } from '../functional/resize';
import { roundHalfEven } from '../tensor-util';
import { type RandomOptions, rng, Transform, transformSpec, uniform } from './transform';

/** Resizes to `size` ([h, w]) or its shorter edge to `size` (an int). */
export class Resize extends Transform<Img, Img> {
  constructor(
    readonly size: number | readonly number[],
    readonly opts: ResizeOptions = {},
  ) {
    super();
    if (typeof size !== 'number' && (size.length < 1 || size.length > 2)) {
      throw new ValueError('Resize: if size is a sequence, it should have 1 or 2 values');
    }
  }
  call<T extends Img>(img: T): T {
    return resize(img, this.size, this.opts);
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'Resize', [this.size, this.opts]);
  }
  override toString(): string {
    const o = this.opts;
    return `Resize(size=${JSON.stringify(this.size)}, interpolation=${o.interpolation ?? 'bilinear'}, maxSize=${o.maxSize ?? 'None'}, antialias=${o.antialias ?? 'None'})`;
  }
}

/** Crops the center; pads with zeros where the crop is larger than the image. */
export class CenterCrop extends Transform<Img, Img> {
  readonly size: [number, number];
  constructor(size: number | readonly number[]) {
    super();
    this.size = setupSize(size, 'CenterCrop');
  }
  call<T extends Img>(img: T): T {
    return centerCrop(img, this.size);
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'CenterCrop', [this.size]);
  }
  override toString(): string {
    return `CenterCrop(size=[${this.size.join(', ')}])`;
  }
}

export interface PadOptions {
  fill?: number;
  paddingMode?: PaddingMode;
}

/** Pads every side (an int), left/right and top/bottom ([x, y]) or [left, top, right, bottom]. */
export class Pad extends Transform<Img, Img> {
  constructor(
    readonly padding: number | readonly number[],
    readonly opts: PadOptions = {},
  ) {
    super();
    parsePadding(padding);
  }
  call<T extends Img>(img: T): T {
    return pad(img, this.padding, this.opts);
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'Pad', [this.padding, this.opts]);
  }
  override toString(): string {
    return `Pad(padding=${JSON.stringify(this.padding)}, fill=${this.opts.fill ?? 0}, paddingMode=${this.opts.paddingMode ?? 'constant'})`;
  }
}

export interface RandomCropOptions extends PadOptions, RandomOptions {
  /** Padding applied first, as Pad takes it. */
  padding?: number | readonly number[];
  /** Pads the image when it is smaller than the crop. */
  padIfNeeded?: boolean;
}

/** Crops a random [h, w] box, optionally after padding. */
export class RandomCrop extends Transform<Img, Img> {
  readonly size: [number, number];
  constructor(
    size: number | readonly number[],
    readonly opts: RandomCropOptions = {},
  ) {
    super();
    this.size = setupSize(size, 'RandomCrop');
  }

  /** [top, left, h, w] of a random crop of `outputSize` from an image of [h, w]. */
  static getParams(
    [h, w]: readonly [number, number],
    [th, tw]: readonly [number, number],
    opts: RandomOptions = {},
  ): [number, number, number, number] {
    if (h < th || w < tw) {
      throw new ValueError(
        `RandomCrop: required crop size [${th}, ${tw}] is larger than input image size [${h}, ${w}]`,
      );
    }
    if (w === tw && h === th) return [0, 0, h, w];
    const g = rng(opts);
    return [g.randint(0, h - th + 1), g.randint(0, w - tw + 1), th, tw];
  }

  call<T extends Img>(img: T): T {
    const { padding, padIfNeeded, fill, paddingMode } = this.opts;
    if (padding !== undefined) img = pad(img, padding, { fill, paddingMode });
    const [th, tw] = this.size;
    let [, h, w] = getDimensions(img);
    if (padIfNeeded && w < tw) img = pad(img, [tw - w, 0], { fill, paddingMode });
    if (padIfNeeded && h < th) img = pad(img, [0, th - h], { fill, paddingMode });
    [, h, w] = getDimensions(img);
    const [i, j] = RandomCrop.getParams([h, w], this.size, this.opts);
    return crop(img, i, j, th, tw);
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'RandomCrop', [this.size, this.opts]);
  }
  override toString(): string {
    return `RandomCrop(size=[${this.size.join(', ')}], padding=${JSON.stringify(this.opts.padding ?? null)})`;
  }
}

export interface RandomResizedCropOptions extends RandomOptions {
  /** Range of the crop's area as a fraction of the image's; default [0.08, 1]. */
  scale?: readonly [number, number];
  /** Range of the crop's aspect ratio (w / h), sampled log-uniformly; default [3/4, 4/3]. */
  ratio?: readonly [number, number];
  interpolation?: InterpolationMode;
  antialias?: boolean;
}

/** A random crop of random area and aspect ratio, resized to `size` (Inception-style). */
export class RandomResizedCrop extends Transform<Img, Img> {
  readonly size: [number, number];
  constructor(
    size: number | readonly number[],
    readonly opts: RandomResizedCropOptions = {},
  ) {
    super();
    this.size = setupSize(size, 'RandomResizedCrop');
  }

  /** torchvision's get_params: 10 tries at a fitting box, then a centered crop clamped to ratio. */
  static getParams(
    [height, width]: readonly [number, number],
    scale: readonly [number, number],
    ratio: readonly [number, number],
    opts: RandomOptions = {},
  ): [number, number, number, number] {
    const g = rng(opts);
    const area = height * width;
    const [logLo, logHi] = [Math.log(ratio[0]), Math.log(ratio[1])];
    for (let attempt = 0; attempt < 10; attempt++) {
      const targetArea = area * uniform(g, scale[0], scale[1]);
      const aspect = Math.exp(uniform(g, logLo, logHi));
      const w = roundHalfEven(Math.sqrt(targetArea * aspect));
      const h = roundHalfEven(Math.sqrt(targetArea / aspect));
      if (w > 0 && w <= width && h > 0 && h <= height) {
        return [g.randint(0, height - h + 1), g.randint(0, width - w + 1), h, w];
      }
    }
    const inRatio = width / height;
    let [w, h] = [width, height];
    if (inRatio < Math.min(...ratio)) h = roundHalfEven(w / Math.min(...ratio));
    else if (inRatio > Math.max(...ratio)) w = roundHalfEven(h * Math.max(...ratio));
    return [(height - h) >> 1, (width - w) >> 1, h, w];
  }

  call<T extends Img>(img: T): T {
    const [, h, w] = getDimensions(img);
    const { scale = [0.08, 1], ratio = [3 / 4, 4 / 3], interpolation, antialias } = this.opts;
    const [i, j, ch, cw] = RandomResizedCrop.getParams([h, w], scale, ratio, this.opts);
    return resizedCrop(img, i, j, ch, cw, this.size, { interpolation, antialias });
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'RandomResizedCrop', [this.size, this.opts]);
  }
  override toString(): string {
    const { scale = [0.08, 1], ratio = [3 / 4, 4 / 3], interpolation = 'bilinear' } = this.opts;
    return `RandomResizedCrop(size=[${this.size.join(', ')}], scale=[${scale.join(', ')}], ratio=[${ratio.map((r) => r.toFixed(4)).join(', ')}], interpolation=${interpolation})`;
  }
}

/** The four corner crops and the center crop: [tl, tr, bl, br, center]. */
export class FiveCrop extends Transform<Img, Img[]> {
  readonly size: [number, number];
  constructor(size: number | readonly number[]) {
    super();
    this.size = setupSize(size, 'FiveCrop');
  }
  call<T extends Img>(img: T): T[] {
    return fiveCrop(img, this.size);
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'FiveCrop', [this.size]);
  }
}

/** FiveCrop of the image and of its horizontal (or vertical) flip: 10 crops. */
export class TenCrop extends Transform<Img, Img[]> {
  readonly size: [number, number];
  constructor(
    size: number | readonly number[],
    readonly opts: { verticalFlip?: boolean } = {},
  ) {
    super();
    this.size = setupSize(size, 'TenCrop');
  }
  call<T extends Img>(img: T): T[] {
    return tenCrop(img, this.size, this.opts);
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'TenCrop', [this.size, this.opts]);
  }
}
