import type { WorkerSpec } from '@tensile/data';
import { ValueError } from '@tensile/tensor';
import { gaussianBlur } from '../functional/blur';
import {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  adjustSharpness,
  autocontrast,
  equalize,
  invert,
  posterize,
  rgbToGrayscale,
  solarize,
} from '../functional/color';
import { getDimensions, type Img } from '../functional/common';
import { setupSize } from '../functional/crop';
import {
  RandomApplied,
  type RandomOptions,
  rng,
  Transform,
  transformSpec,
  uniform,
} from './transform';

type Range = [number, number];

/** torchvision's ColorJitter._check_input: d means [center - d, center + d]; null when a no-op. */
function jitterRange(
  value: number | readonly number[] | undefined,
  name: string,
  center = 1,
  bound: Range = [0, Number.POSITIVE_INFINITY],
  clipFirstOnZero = true,
): Range | null {
  let r: Range;
  if (value === undefined) return null;
  if (typeof value === 'number') {
    if (value < 0)
      throw new ValueError(`ColorJitter: if ${name} is a single number, it must be non negative.`);
    r = [center - value, center + value];
    if (clipFirstOnZero) r[0] = Math.max(r[0], 0);
  } else if (value.length === 2) {
    if (!(bound[0] <= value[0] && value[0] <= value[1] && value[1] <= bound[1])) {
      throw new ValueError(
        `ColorJitter: ${name} values should be between [${bound.join(', ')}], got [${value.join(', ')}]`,
      );
    }
    r = [value[0], value[1]];
  } else
    throw new ValueError(`ColorJitter: ${name} should be a single number or a list with length 2.`);
  return r[0] === center && r[1] === center ? null : r;
}

export interface ColorJitterOptions extends RandomOptions {
  brightness?: number | readonly number[];
  contrast?: number | readonly number[];
  saturation?: number | readonly number[];
  /** d in [0, 0.5] means [-d, d]; or a range within [-0.5, 0.5]. */
  hue?: number | readonly number[];
}

/** Random brightness, contrast, saturation and hue changes, applied in a random order. */
export class ColorJitter extends Transform<Img, Img> {
  readonly brightness: Range | null;
  readonly contrast: Range | null;
  readonly saturation: Range | null;
  readonly hue: Range | null;
  constructor(readonly opts: ColorJitterOptions = {}) {
    super();
    this.brightness = jitterRange(opts.brightness, 'brightness');
    this.contrast = jitterRange(opts.contrast, 'contrast');
    this.saturation = jitterRange(opts.saturation, 'saturation');
    this.hue = jitterRange(opts.hue, 'hue', 0, [-0.5, 0.5], false);
  }

  /** [order of the four adjustments, brightness, contrast, saturation, hue factors (null: skip)]. */
  getParams(): [number[], number | null, number | null, number | null, number | null] {
    const g = rng(this.opts);
    const order = [0, 1, 2, 3];
    for (let i = 3; i > 0; i--) {
      const j = g.randint(0, i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const draw = (r: Range | null) => (r ? uniform(g, r[0], r[1]) : null);
    return [
      order,
      draw(this.brightness),
      draw(this.contrast),
      draw(this.saturation),
      draw(this.hue),
    ];
  }

  call<T extends Img>(img: T): T {
    const [order, b, c, s, h] = this.getParams();
    for (const id of order) {
      if (id === 0 && b !== null) img = adjustBrightness(img, b);
      else if (id === 1 && c !== null) img = adjustContrast(img, c);
      else if (id === 2 && s !== null) img = adjustSaturation(img, s);
      else if (id === 3 && h !== null) img = adjustHue(img, h);
    }
    return img;
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'ColorJitter', [this.opts]);
  }
  override toString(): string {
    const f = (r: Range | null) => (r ? `[${r.join(', ')}]` : 'None');
    return `ColorJitter(brightness=${f(this.brightness)}, contrast=${f(this.contrast)}, saturation=${f(this.saturation)}, hue=${f(this.hue)})`;
  }
}

/** RGB to gray (1 or 3 identical channels). */
export class Grayscale extends Transform<Img, Img> {
  constructor(readonly numOutputChannels: 1 | 3 = 1) {
    super();
  }
  call<T extends Img>(img: T): T {
    return rgbToGrayscale(img, this.numOutputChannels);
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'Grayscale', [this.numOutputChannels]);
  }
  override toString(): string {
    return `Grayscale(numOutputChannels=${this.numOutputChannels})`;
  }
}

/** Gray with probability p, keeping the number of channels. */
export class RandomGrayscale extends RandomApplied {
  protected readonly moduleUrl = import.meta.url;
  constructor(p = 0.1, opts: RandomOptions = {}) {
    super(p, opts);
  }
  protected apply<T extends Img>(img: T): T {
    return rgbToGrayscale(img, getDimensions(img)[0] as 1 | 3);
  }
}

/** Gaussian blur with sigma drawn uniformly from `sigma` ([min, max], or a fixed number). */
export class GaussianBlur extends Transform<Img, Img> {
  readonly kernelSize: [number, number];
  readonly sigma: Range;
  constructor(
    kernelSize: number | readonly number[],
    readonly opts: RandomOptions & { sigma?: number | readonly number[] } = {},
  ) {
    super();
    this.kernelSize = setupSize(kernelSize, 'GaussianBlur');
    if (this.kernelSize.some((k) => k <= 0 || k % 2 === 0)) {
      throw new ValueError('GaussianBlur: kernel size value should be an odd and positive number.');
    }
    const sigma = opts.sigma ?? [0.1, 2];
    if (typeof sigma === 'number') {
      if (sigma <= 0)
        throw new ValueError('GaussianBlur: if sigma is a single number, it must be positive.');
      this.sigma = [sigma, sigma];
    } else if (sigma.length === 2 && 0 < sigma[0] && sigma[0] <= sigma[1])
      this.sigma = [sigma[0], sigma[1]];
    else
      throw new ValueError(
        'GaussianBlur: sigma values should be positive and of the form [min, max].',
      );
  }
  call<T extends Img>(img: T): T {
    const s = uniform(rng(this.opts), this.sigma[0], this.sigma[1]);
    return gaussianBlur(img, this.kernelSize, [s, s]);
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'GaussianBlur', [this.kernelSize, this.opts]);
  }
  override toString(): string {
    return `GaussianBlur(kernelSize=[${this.kernelSize.join(', ')}], sigma=[${this.sigma.join(', ')}])`;
  }
}

/** Inverts the colors with probability p. */
export class RandomInvert extends RandomApplied {
  protected readonly moduleUrl = import.meta.url;
  protected apply<T extends Img>(img: T): T {
    return invert(img);
  }
}

/** Keeps `bits` bits per channel (uint8 images) with probability p. */
export class RandomPosterize extends RandomApplied {
  protected readonly moduleUrl = import.meta.url;
  constructor(
    readonly bits: number,
    p = 0.5,
    opts: RandomOptions = {},
  ) {
    super(p, opts);
  }
  protected apply<T extends Img>(img: T): T {
    return posterize(img, this.bits);
  }
  protected override leadingArgs(): unknown[] {
    return [this.bits];
  }
}

/** Inverts values above `threshold` with probability p. */
export class RandomSolarize extends RandomApplied {
  protected readonly moduleUrl = import.meta.url;
  constructor(
    readonly threshold: number,
    p = 0.5,
    opts: RandomOptions = {},
  ) {
    super(p, opts);
  }
  protected apply<T extends Img>(img: T): T {
    return solarize(img, this.threshold);
  }
  protected override leadingArgs(): unknown[] {
    return [this.threshold];
  }
}

/** Sharpens (factor > 1) or blurs (< 1) with probability p. */
export class RandomAdjustSharpness extends RandomApplied {
  protected readonly moduleUrl = import.meta.url;
  constructor(
    readonly sharpnessFactor: number,
    p = 0.5,
    opts: RandomOptions = {},
  ) {
    super(p, opts);
  }
  protected apply<T extends Img>(img: T): T {
    return adjustSharpness(img, this.sharpnessFactor);
  }
  protected override leadingArgs(): unknown[] {
    return [this.sharpnessFactor];
  }
}

/** Stretches each channel to the full range with probability p. */
export class RandomAutocontrast extends RandomApplied {
  protected readonly moduleUrl = import.meta.url;
  protected apply<T extends Img>(img: T): T {
    return autocontrast(img);
  }
}

/** Histogram-equalizes (uint8 images) with probability p. */
export class RandomEqualize extends RandomApplied {
  protected readonly moduleUrl = import.meta.url;
  protected apply<T extends Img>(img: T): T {
    return equalize(img);
  }
}
