import { BoardInputError } from '../errors';
import type { ImageProto } from '../proto/event';
import { type Dense, type TensorInput, toDense } from '../tensor';
import { encodePng } from './png';

/** Planar image data (channels × height × width), values in the input's own units. */
export interface Planar {
  channels: number;
  height: number;
  width: number;
  data: Float64Array;
}

/** Options of makeGrid and addImages (torchvision.utils.make_grid's nrow, padding, pad_value). */
export interface MakeGridOptions {
  /** Images per row (torchvision's nrow; default 8). */
  nrow?: number;
  /**
   * Pixels between and around the images (default 2, as torchvision; PyTorch's add_images uses
   * none).
   */
  padding?: number;
  /** The padding's value, in the images' units (default 0, black). */
  padValue?: number;
}

/** Reorders `dense`, laid out as `format` (e.g. 'HWC'), into the axis order `target`. */
function permute(dense: Dense, format: string, target: string): Float64Array {
  const { shape, data } = dense;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const axes = [...target].map((c) => format.indexOf(c));
  const outShape = axes.map((a) => shape[a]);
  const out = new Float64Array(data.length);
  const index = new Array<number>(axes.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < axes.length; k++) src += index[k] * strides[axes[k]];
    out[o] = data[src];
    for (let k = axes.length - 1; k >= 0 && ++index[k] === outShape[k]; k--) index[k] = 0;
  }
  return out;
}

function checkFormat(dense: Dense, format: string, allowed: string[]): string {
  const f = format.toUpperCase();
  if (!allowed.includes(f))
    throw new BoardInputError(`dataformats must be one of ${allowed.join(', ')}, got '${format}'`);
  if (dense.shape.length !== f.length) {
    throw new BoardInputError(
      `image of shape [${dense.shape}] does not match dataformats '${format}'`,
    );
  }
  return f;
}

function toPlanar(dense: Dense, format: string): Planar {
  const f = checkFormat(dense, format, ['CHW', 'HWC', 'HW']);
  const at = (c: string) => (f.includes(c) ? dense.shape[f.indexOf(c)] : 1);
  const data = f === 'HW' ? Float64Array.from(dense.data) : permute(dense, f, 'CHW');
  return { channels: at('C'), height: at('H'), width: at('W'), data };
}

function toBatch(dense: Dense, format: string): Planar[] {
  const f = checkFormat(dense, format, ['NCHW', 'NHWC']);
  const data = permute(dense, f, 'NCHW');
  const [n, channels, height, width] = ['N', 'C', 'H', 'W'].map((c) => dense.shape[f.indexOf(c)]);
  const size = channels * height * width;
  return Array.from({ length: n }, (_, i) => ({
    channels,
    height,
    width,
    data: data.subarray(i * size, (i + 1) * size),
  }));
}

/** Tiles images into one, like torchvision.utils.make_grid (grey images become RGB). */
export function gridImages(images: Planar[], options: MakeGridOptions = {}): Planar {
  if (images.length === 0) throw new BoardInputError('makeGrid: no images');
  const { nrow = 8, padding = 2, padValue = 0 } = options;
  const rgb = images.map((im) => (im.channels === 1 ? expandGrey(im) : im));
  if (rgb.length === 1) return rgb[0];
  const { channels, height, width } = rgb[0];
  const cols = Math.min(nrow, rgb.length);
  const rows = Math.ceil(rgb.length / cols);
  const cellH = height + padding;
  const cellW = width + padding;
  const out: Planar = {
    channels,
    height: cellH * rows + padding,
    width: cellW * cols + padding,
    data: new Float64Array(0),
  };
  out.data = new Float64Array(channels * out.height * out.width).fill(padValue);
  rgb.forEach((im, k) => {
    const top = Math.floor(k / cols) * cellH + padding;
    const left = (k % cols) * cellW + padding;
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < height; y++) {
        const src = (c * height + y) * width;
        out.data.set(
          im.data.subarray(src, src + width),
          (c * out.height + top + y) * out.width + left,
        );
      }
    }
  });
  return out;
}

function expandGrey(im: Planar): Planar {
  const data = new Float64Array(im.data.length * 3);
  for (let c = 0; c < 3; c++) data.set(im.data, c * im.data.length);
  return { ...im, channels: 3, data };
}

/**
 * torchvision.utils.make_grid: an NCHW (or NHWC, with `dataformats`) batch tiled `nrow` to a row
 * into one CHW image, returned as Dense data. Grey images become RGB; a single image comes back
 * unpadded, as in torchvision.
 */
export function makeGrid(
  images: TensorInput,
  options: MakeGridOptions & { dataformats?: string } = {},
): Dense {
  const dense = toDense(images, 'images');
  const grid = gridImages(toBatch(dense, options.dataformats ?? 'NCHW'), options);
  return { shape: [grid.channels, grid.height, grid.width], data: grid.data, uint8: dense.uint8 };
}

/** Converts planar pixels to an Image proto; floats are taken as [0, 1], uint8 as [0, 255]. */
export function encodeImage(im: Planar, uint8: boolean): ImageProto {
  const planar = im.channels === 1 ? expandGrey(im) : im;
  const { channels, height, width, data } = planar;
  if (channels !== 3 && channels !== 4)
    throw new BoardInputError(`images need 1, 3 or 4 channels, got ${channels}`);
  const scale = uint8 ? 1 : 255;
  const pixels = new Uint8Array(height * width * channels);
  const plane = height * width;
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < plane; p++)
      pixels[p * channels + c] = Math.min(
        255,
        Math.max(0, Math.trunc(data[c * plane + p] * scale)),
      );
  }
  return {
    height,
    width,
    colorspace: channels,
    encodedImageString: encodePng(width, height, channels, pixels),
  };
}

export function imageProto(img: TensorInput, dataformats = 'CHW'): ImageProto {
  const dense = toDense(img, 'image');
  return encodeImage(toPlanar(dense, dataformats), dense.uint8);
}

export function imagesProto(
  imgs: TensorInput,
  options: MakeGridOptions & { dataformats?: string } = {},
): ImageProto {
  // PyTorch's add_images tiles with tensorboard's own make_grid: no gaps between the images.
  const grid = makeGrid(imgs, { ...options, padding: options.padding ?? 0 });
  return encodeImage(toPlanar(grid, 'CHW'), grid.uint8);
}
