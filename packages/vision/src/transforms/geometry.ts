import type { WorkerSpec } from '@tensile/data';
import { ValueError } from '@tensile/tensor';
import { affine, type Points, perspective, rotate } from '../functional/affine';
import { getDimensions, type Img } from '../functional/common';
import { hflip, vflip } from '../functional/crop';
import type { Fill } from '../functional/grid';
import { roundHalfEven } from '../tensor-util';
import {
  checkProbability,
  RandomApplied,
  type RandomOptions,
  rng,
  Transform,
  transformSpec,
  uniform,
} from './transform';

/** Flips horizontally with probability p. */
export class RandomHorizontalFlip extends RandomApplied {
  protected readonly moduleUrl = import.meta.url;
  protected apply<T extends Img>(img: T): T {
    return hflip(img);
  }
}

/** Flips vertically with probability p. */
export class RandomVerticalFlip extends RandomApplied {
  protected readonly moduleUrl = import.meta.url;
  protected apply<T extends Img>(img: T): T {
    return vflip(img);
  }
}

/** torchvision's _setup_angle: a number d means [-d, d]; else a [min, max] pair. */
function setupAngle(
  x: number | readonly number[],
  name: string,
  sizes: readonly number[] = [2],
): number[] {
  if (typeof x === 'number') {
    if (x < 0) throw new ValueError(`If ${name} is a single number, it must be positive.`);
    return [-x, x];
  }
  if (!sizes.includes(x.length))
    throw new ValueError(`${name} should be a sequence of length ${sizes.join(' or ')}.`);
  return [...x];
}

/** A fill for every channel, as the random transforms pass it on tensors. */
function channelFill(fill: Fill, img: Img): Fill {
  const [c] = getDimensions(img);
  return typeof fill === 'number' ? new Array(c).fill(fill) : fill;
}

interface GridTransformOptions extends RandomOptions {
  interpolation?: 'nearest' | 'bilinear';
  fill?: number | readonly number[];
  center?: readonly [number, number];
}

/**
 * Rotates by an angle drawn uniformly from `degrees` (d means [-d, d]), or — a Tensile
 * extension — picked uniformly from `{ choices: [0, 90, 180, 270] }`.
 */
export class RandomRotation extends Transform<Img, Img> {
  readonly degrees: number[] | { choices: number[] };
  constructor(
    degrees: number | readonly number[] | { choices: readonly number[] },
    readonly opts: GridTransformOptions & { expand?: boolean } = {},
  ) {
    super();
    if (typeof degrees === 'object' && 'choices' in degrees) {
      if (degrees.choices.length === 0)
        throw new ValueError('RandomRotation: choices must not be empty');
      this.degrees = { choices: [...degrees.choices] };
    } else this.degrees = setupAngle(degrees as number | readonly number[], 'degrees');
  }

  /** The angle for one call. */
  getParams(): number {
    const g = rng(this.opts);
    const d = this.degrees;
    if (Array.isArray(d)) return uniform(g, d[0], d[1]);
    return d.choices[g.randint(0, d.choices.length)];
  }

  call<T extends Img>(img: T): T {
    const { interpolation = 'nearest', expand, center, fill = 0 } = this.opts;
    return rotate(img, this.getParams(), {
      interpolation,
      expand,
      center,
      fill: channelFill(fill, img),
    });
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'RandomRotation', [this.degrees, this.opts]);
  }
  override toString(): string {
    const o = this.opts;
    return `RandomRotation(degrees=${JSON.stringify(this.degrees)}, interpolation=${o.interpolation ?? 'nearest'}, expand=${o.expand ?? false}, fill=${JSON.stringify(o.fill ?? 0)})`;
  }
}

export interface RandomAffineOptions extends GridTransformOptions {
  /** Maximal absolute fractions [a, b] of width and height for the translation. */
  translate?: readonly [number, number];
  /** Scale range [min, max]. */
  scale?: readonly [number, number];
  /** Shear in degrees: d ([-d, d] along x), [min, max] along x, or [xmin, xmax, ymin, ymax]. */
  shear?: number | readonly number[];
}

/** A random affine map: rotation, translation, scale and shear, about the image center. */
export class RandomAffine extends Transform<Img, Img> {
  readonly degrees: number[];
  readonly shear: number[] | undefined;
  constructor(
    degrees: number | readonly number[],
    readonly opts: RandomAffineOptions = {},
  ) {
    super();
    this.degrees = setupAngle(degrees, 'degrees');
    if (opts.translate && !opts.translate.every((t) => t >= 0 && t <= 1)) {
      throw new ValueError('RandomAffine: translation values should be between 0 and 1');
    }
    if (opts.scale && !opts.scale.every((s) => s > 0))
      throw new ValueError('RandomAffine: scale values should be positive');
    this.shear = opts.shear === undefined ? undefined : setupAngle(opts.shear, 'shear', [2, 4]);
  }

  /** [angle, [tx, ty], scale, [shearX, shearY]] for an image of [w, h]. */
  getParams([w, h]: readonly [number, number]): [
    number,
    [number, number],
    number,
    [number, number],
  ] {
    const g = rng(this.opts);
    const angle = uniform(g, this.degrees[0], this.degrees[1]);
    let translations: [number, number] = [0, 0];
    if (this.opts.translate) {
      const maxDx = this.opts.translate[0] * w;
      const maxDy = this.opts.translate[1] * h;
      translations = [
        roundHalfEven(uniform(g, -maxDx, maxDx)),
        roundHalfEven(uniform(g, -maxDy, maxDy)),
      ];
    }
    const scale = this.opts.scale ? uniform(g, this.opts.scale[0], this.opts.scale[1]) : 1;
    const s = this.shear;
    const shear: [number, number] = [
      s ? uniform(g, s[0], s[1]) : 0,
      s?.length === 4 ? uniform(g, s[2], s[3]) : 0,
    ];
    return [angle, translations, scale, shear];
  }

  call<T extends Img>(img: T): T {
    const [, h, w] = getDimensions(img);
    const [angle, translate, scale, shear] = this.getParams([w, h]);
    const { interpolation = 'nearest', center, fill = 0 } = this.opts;
    return affine(img, angle, translate, scale, shear, {
      interpolation,
      center,
      fill: channelFill(fill, img),
    });
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'RandomAffine', [this.degrees, this.opts]);
  }
  override toString(): string {
    return `RandomAffine(degrees=[${this.degrees.join(', ')}])`;
  }
}

export interface RandomPerspectiveOptions extends RandomOptions {
  /** How far the corners may move, 0 to 1; default 0.5. */
  distortionScale?: number;
  /** Probability of applying it; default 0.5. */
  p?: number;
  interpolation?: 'nearest' | 'bilinear';
  fill?: number | readonly number[];
}

/** Moves the four corners randomly inward with probability p (a perspective warp). */
export class RandomPerspective extends Transform<Img, Img> {
  constructor(readonly opts: RandomPerspectiveOptions = {}) {
    super();
    checkProbability('RandomPerspective', opts.p ?? 0.5);
  }

  /** [startpoints, endpoints] for an image of width x height. */
  static getParams(
    width: number,
    height: number,
    distortionScale: number,
    opts: RandomOptions = {},
  ): [Points, Points] {
    const g = rng(opts);
    const hh = height >> 1;
    const hw = width >> 1;
    const dx = Math.trunc(distortionScale * hw);
    const dy = Math.trunc(distortionScale * hh);
    const near = (n: number) => g.randint(0, n + 1);
    const far = (size: number, n: number) => g.randint(size - n - 1, size);
    const topleft: [number, number] = [near(dx), near(dy)];
    const topright: [number, number] = [far(width, dx), near(dy)];
    const botright: [number, number] = [far(width, dx), far(height, dy)];
    const botleft: [number, number] = [near(dx), far(height, dy)];
    const start: Points = [
      [0, 0],
      [width - 1, 0],
      [width - 1, height - 1],
      [0, height - 1],
    ];
    return [start, [topleft, topright, botright, botleft]];
  }

  call<T extends Img>(img: T): T {
    const { p = 0.5, distortionScale = 0.5, interpolation = 'bilinear', fill = 0 } = this.opts;
    if (!(rng(this.opts).random() < p)) return img;
    const [, h, w] = getDimensions(img);
    const [start, end] = RandomPerspective.getParams(w, h, distortionScale, this.opts);
    return perspective(img, start, end, { interpolation, fill: channelFill(fill, img) });
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'RandomPerspective', [this.opts]);
  }
  override toString(): string {
    return `RandomPerspective(p=${this.opts.p ?? 0.5})`;
  }
}
