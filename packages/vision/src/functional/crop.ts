import { flip, type Tensor, ValueError } from '@tensile/tensor';
// Python's round() is half to even too: torchvision rounds crop offsets with it.
import { imageDims, roundHalfEven } from '../tensor-util';
import { getDimensions, type Img, map } from './common';
import { padTensor } from './pad';
import { type ResizeOptions, resize } from './resize';

function cropTensor(img: Tensor, top: number, left: number, height: number, width: number): Tensor {
  const { h, w } = imageDims(img, 'crop');
  const right = left + width;
  const bottom = top + height;
  const inside = img
    .slice(-2, Math.max(top, 0), Math.max(bottom, 0))
    .slice(-1, Math.max(left, 0), Math.max(right, 0));
  if (left >= 0 && top >= 0 && right <= w && bottom <= h) return inside;
  // Outside the image: zero padding, as torchvision.
  const padding: [number, number, number, number] = [
    Math.max(-left + Math.min(0, right), 0),
    Math.max(-top + Math.min(0, bottom), 0),
    Math.max(right - Math.max(w, left), 0),
    Math.max(bottom - Math.max(h, top), 0),
  ];
  return padTensor(inside, padding, 0, 'constant');
}

/** torchvision's F.crop: the box at (top, left) of height x width; outside the image is zero. */
export function crop<T extends Img>(
  img: T,
  top: number,
  left: number,
  height: number,
  width: number,
): T {
  return map(img, 'crop', (t) => cropTensor(t, top, left, height, width));
}

/** [h, w] from an int or a 1- or 2-element list. */
export function setupSize(size: number | readonly number[], op: string): [number, number] {
  if (typeof size === 'number') return [size, size];
  if (size.length === 1) return [size[0], size[0]];
  if (size.length === 2) return [size[0], size[1]];
  throw new ValueError(
    `${op}: please provide only two dimensions (h, w) for size, got [${size.join(', ')}]`,
  );
}

export function centerCrop<T extends Img>(img: T, outputSize: number | readonly number[]): T {
  const [ch, cw] = setupSize(outputSize, 'centerCrop');
  let [, h, w] = getDimensions(img);
  if (cw > w || ch > h) {
    const padding = [
      cw > w ? (cw - w) >> 1 : 0,
      ch > h ? (ch - h) >> 1 : 0,
      cw > w ? (cw - w + 1) >> 1 : 0,
      ch > h ? (ch - h + 1) >> 1 : 0,
    ] as [number, number, number, number];
    img = map(img, 'centerCrop', (t) => padTensor(t, padding, 0, 'constant'));
    [, h, w] = getDimensions(img);
    if (cw === w && ch === h) return img;
  }
  return crop(img, roundHalfEven((h - ch) / 2), roundHalfEven((w - cw) / 2), ch, cw);
}

export function resizedCrop<T extends Img>(
  img: T,
  top: number,
  left: number,
  height: number,
  width: number,
  size: number | readonly number[],
  opts: Omit<ResizeOptions, 'maxSize'> = {},
): T {
  return resize(crop(img, top, left, height, width), size, opts);
}

export function hflip<T extends Img>(img: T): T {
  return map(img, 'hflip', (t) => flip(t, [-1]));
}

export function vflip<T extends Img>(img: T): T {
  return map(img, 'vflip', (t) => flip(t, [-2]));
}

/** The four corners and the center: [tl, tr, bl, br, center]. */
export function fiveCrop<T extends Img>(img: T, size: number | readonly number[]): [T, T, T, T, T] {
  const [ch, cw] = setupSize(size, 'fiveCrop');
  const [, h, w] = getDimensions(img);
  if (cw > w || ch > h) {
    throw new ValueError(
      `fiveCrop: requested crop size [${ch}, ${cw}] is bigger than input size [${h}, ${w}]`,
    );
  }
  return [
    crop(img, 0, 0, ch, cw),
    crop(img, 0, w - cw, ch, cw),
    crop(img, h - ch, 0, ch, cw),
    crop(img, h - ch, w - cw, ch, cw),
    centerCrop(img, [ch, cw]),
  ];
}

/** fiveCrop of the image and of its flip (horizontal, or vertical with `verticalFlip`). */
export function tenCrop<T extends Img>(
  img: T,
  size: number | readonly number[],
  opts: { verticalFlip?: boolean } = {},
): T[] {
  const flipped = opts.verticalFlip ? vflip(img) : hflip(img);
  return [...fiveCrop(img, size), ...fiveCrop(flipped, size)];
}
