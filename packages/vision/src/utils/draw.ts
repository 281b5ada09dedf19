import { DTypeError, ShapeError, type Tensor, ValueError, warn } from '@tensile/tensor';
import { fmtShape, fromTyped } from '../tensor-util';
import { type Color, getRgb } from './colors';

/** torchvision's _generate_color_palette: distinct-ish colors for n objects. */
export function colorPalette(n: number): [number, number, number][] {
  const palette = [2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1];
  return Array.from(
    { length: n },
    (_, i) => palette.map((p) => (i * p) % 255) as [number, number, number],
  );
}

function colorList(
  colors: Color | readonly Color[] | undefined,
  n: number,
  what: string,
): [number, number, number][] {
  if (colors === undefined) return colorPalette(n);
  const isList = Array.isArray(colors) && (colors.length === 0 || typeof colors[0] !== 'number');
  const list = isList ? (colors as readonly Color[]) : new Array<Color>(n).fill(colors as Color);
  if (list.length < n)
    throw new ValueError(
      `Number of colors (${list.length}) is less than number of ${what} (${n}).`,
    );
  return list.map(getRgb);
}

function checkUint8Image(image: Tensor, op: string, channels: readonly number[]): void {
  if (image.dtype !== 'uint8')
    throw new DTypeError(`${op}: Tensor uint8 expected, got ${image.dtype}`);
  if (image.ndim !== 3)
    throw new ShapeError(
      `${op}: pass individual images, not batches (got shape ${fmtShape(image.shape)})`,
    );
  if (!channels.includes(image.shape[0])) {
    throw new ShapeError(
      `${op}: only ${channels.join(' or ')}-channel images are supported, got ${image.shape[0]} channels`,
    );
  }
}

export interface DrawBoundingBoxesOptions {
  /** One label per box. Accepted for torchvision compatibility but not drawn: Tensile has no font rasterizer. */
  labels?: readonly string[];
  /** One color, or one per box; default torchvision's palette. */
  colors?: Color | readonly Color[];
  /** Fill the boxes with their color at alpha 100/255. */
  fill?: boolean;
  /** Outline width in pixels; default 1. */
  width?: number;
}

let warnedLabels = false;

/** Blends `ink` over `dst` with alpha a (0..255) as PIL's BLEND macro (rounded division by 255). */
function blend(dst: number, ink: number, a: number): number {
  const t = dst * (255 - a) + ink * a + 128;
  return ((t >> 8) + t) >> 8;
}

/**
 * torchvision.utils.draw_bounding_boxes: outlines (and optionally fills) boxes
 * [xmin, ymin, xmax, ymax] (inclusive pixel coordinates, truncated to integers) on a uint8
 * [C, H, W] image, C = 1 or 3; the result is RGB. Labels are not rendered.
 */
export function drawBoundingBoxes(
  image: Tensor,
  boxes: Tensor,
  opts: DrawBoundingBoxesOptions = {},
): Tensor {
  checkUint8Image(image, 'drawBoundingBoxes', [1, 3]);
  if (boxes.ndim !== 2 || boxes.shape[1] !== 4)
    throw new ShapeError(`drawBoundingBoxes: boxes must be [N, 4], got ${fmtShape(boxes.shape)}`);
  const b = boxes.tolist() as number[][];
  if (b.some(([x0, y0, x1, y1]) => x0 > x1 || y0 > y1)) {
    throw new ValueError('drawBoundingBoxes: boxes need to be in (xmin, ymin, xmax, ymax) format');
  }
  const n = b.length;
  if (opts.labels && opts.labels.length !== n) {
    throw new ValueError(
      `Number of boxes (${n}) and labels (${opts.labels.length}) mismatch. Please specify labels for each box.`,
    );
  }
  if (opts.labels?.length && !warnedLabels) {
    warnedLabels = true;
    warn('drawBoundingBoxes: labels are not drawn (Tensile has no font rasterizer)');
  }
  const rgb = image.shape[0] === 1 ? image.repeat([3, 1, 1]) : image;
  if (n === 0) return rgb;
  const colors = colorList(opts.colors, n, 'boxes');
  const [, h, w] = rgb.shape;
  const out = rgb.contiguous().dataSync() as Uint8Array;
  const width = opts.width ?? 1;
  b.forEach((box, k) => {
    const [x0, y0, x1, y1] = box.map(Math.trunc);
    const color = colors[k];
    const paint = (x: number, y: number, alpha: number) => {
      if (x < 0 || x >= w || y < 0 || y >= h) return;
      for (let c = 0; c < 3; c++) {
        const i = c * h * w + y * w + x;
        out[i] = alpha === 255 ? color[c] : blend(out[i], color[c], alpha);
      }
    };
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const onOutline = x < x0 + width || x > x1 - width || y < y0 + width || y > y1 - width;
        if (onOutline) paint(x, y, 255);
        else if (opts.fill) paint(x, y, 100);
      }
    }
  });
  return fromTyped(out, 'uint8', rgb.shape);
}

export interface DrawSegmentationMasksOptions {
  /** Opacity of the masks; default 0.8. */
  alpha?: number;
  colors?: Color | readonly Color[];
}

/**
 * torchvision.utils.draw_segmentation_masks: paints bool masks [N, H, W] (or [H, W]) over a
 * uint8 RGB image, `image * (1 - alpha) + painted * alpha`, later masks on top.
 */
export function drawSegmentationMasks(
  image: Tensor,
  masks: Tensor,
  opts: DrawSegmentationMasksOptions = {},
): Tensor {
  checkUint8Image(image, 'drawSegmentationMasks', [3]);
  if (masks.ndim === 2) masks = masks.unsqueeze(0);
  if (masks.ndim !== 3)
    throw new ShapeError(
      'drawSegmentationMasks: masks must be of shape (H, W) or (batch_size, H, W)',
    );
  if (masks.dtype !== 'bool')
    throw new DTypeError(
      `drawSegmentationMasks: the masks must be of dtype bool. Got ${masks.dtype}`,
    );
  const [, h, w] = image.shape;
  if (masks.shape[1] !== h || masks.shape[2] !== w) {
    throw new ShapeError(
      `drawSegmentationMasks: the image ${fmtShape(image.shape)} and the masks ${fmtShape(masks.shape)} must have the same height and width`,
    );
  }
  const n = masks.shape[0];
  if (n === 0) return image;
  const colors = colorList(opts.colors, n, 'masks');
  const alpha = opts.alpha ?? 0.8;
  const painted = image.contiguous().dataSync() as Uint8Array;
  const m = masks.contiguous().dataSync();
  for (let k = 0; k < n; k++) {
    for (let p = 0; p < h * w; p++) {
      if (m[k * h * w + p]) for (let c = 0; c < 3; c++) painted[c * h * w + p] = colors[k][c];
    }
  }
  const drawn = fromTyped(painted, 'uint8', image.shape);
  return image
    .mul(1 - alpha)
    .add(drawn.mul(alpha))
    .to('uint8');
}
