import { readFileSync, writeFileSync } from 'node:fs';
import { DTypeError, type Tensor } from '@tensile/tensor';
import { type Image, isImage, pilToTensor, toImage } from '../image';
import { imageDims } from '../tensor-util';
import { decodeBytes, encodeJpegImage, encodePngImage } from './codecs';
import { applyReadMode, type ImageReadMode } from './convert';

export { type ImageFormat, MAX_IMAGE_PIXELS } from './codecs';
export type { ImageReadMode } from './convert';

export interface ReadImageOptions {
  /** Channels to return: as stored ('unchanged', the default), or converted. */
  mode?: ImageReadMode;
  /**
   * The most pixels an image may declare (Pillow's limit by default, MAX_IMAGE_PIXELS):
   * larger ones are refused before decoding.
   */
  maxPixels?: number;
}

function bytesOf(src: string | Uint8Array): { bytes: Uint8Array; what: string } {
  if (typeof src === 'string') return { bytes: readFileSync(src), what: `'${src}'` };
  return { bytes: src, what: 'image' };
}

/** Decodes a PNG or JPEG (a path or its bytes) into an Image (HWC), like PIL's Image.open. */
export function loadImage(src: string | Uint8Array, opts: ReadImageOptions = {}): Image {
  const { bytes, what } = bytesOf(src);
  return applyReadMode(decodeBytes(bytes, what, opts.maxPixels), opts.mode ?? 'unchanged');
}

/** torchvision.io.decode_image: PNG or JPEG bytes to a uint8 [C, H, W] tensor. */
export function decodeImage(bytes: Uint8Array, opts: ReadImageOptions = {}): Tensor {
  return pilToTensor(loadImage(bytes, opts));
}

/** torchvision.io.read_image: a PNG or JPEG file (or its bytes) to a uint8 [C, H, W] tensor. */
export function readImage(src: string | Uint8Array, opts: ReadImageOptions = {}): Tensor {
  return pilToTensor(loadImage(src, opts));
}

function asImage(img: Tensor | Image, op: string): Image {
  if (isImage(img)) return img;
  const { lead } = imageDims(img, op);
  if (img.dtype !== 'uint8' || img.ndim !== 3 || lead.length !== 0) {
    throw new DTypeError(
      `${op}: expected a uint8 [C, H, W] tensor or an Image, got ${img.dtype} of shape [${img.shape.join(', ')}]`,
    );
  }
  return toImage(img);
}

/** torchvision.io.encode_png: a uint8 [C, H, W] tensor (C = 1..4) or an Image to PNG bytes. */
export function encodePng(
  img: Tensor | Image,
  opts: { compressionLevel?: number } = {},
): Uint8Array {
  return encodePngImage(asImage(img, 'encodePng'), opts.compressionLevel);
}

/** torchvision.io.encode_jpeg: a uint8 [C, H, W] tensor (C = 1 or 3) or an Image to JPEG bytes. */
export function encodeJpeg(img: Tensor | Image, opts: { quality?: number } = {}): Uint8Array {
  return encodeJpegImage(asImage(img, 'encodeJpeg'), opts.quality);
}

export function writePng(
  img: Tensor | Image,
  path: string,
  opts: { compressionLevel?: number } = {},
): void {
  writeFileSync(path, encodePng(img, opts));
}

export function writeJpeg(
  img: Tensor | Image,
  path: string,
  opts: { quality?: number } = {},
): void {
  writeFileSync(path, encodeJpeg(img, opts));
}
