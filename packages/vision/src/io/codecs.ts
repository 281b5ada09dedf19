import { ValueError } from '@tensile/tensor';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ImageDecodeError } from '../errors';
import { checkImage, type Image } from '../image';
import { convertChannels } from './convert';
import { shortPngData } from './png-data';

export type ImageFormat = 'png' | 'jpeg';

/** The format from the file's magic bytes, or undefined. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (
    bytes.length >= 8 &&
    bytes[0] === 0x89 &&
    bytes[1] === 0x50 &&
    bytes[2] === 0x4e &&
    bytes[3] === 0x47
  ) {
    return 'png';
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'jpeg';
  return undefined;
}

const PNG_CHANNELS: Record<number, Image['channels']> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

/** PNG of any bit depth and color type; 16-bit samples are scaled to 8 bits by pngjs. */
export function decodePng(bytes: Uint8Array): Image {
  const short = shortPngData(bytes);
  if (short) throw new ImageDecodeError(short);
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const rgba: Image = {
    width: png.width,
    height: png.height,
    channels: 4,
    data: new Uint8Array(png.data),
  };
  // pngjs always expands to RGBA; a palette with transparency keeps its alpha.
  let channels = PNG_CHANNELS[png.colorType] ?? 4;
  if (png.palette && png.alpha) channels = 4;
  return convertChannels(rgba, channels);
}

/** A JPEG's frame header: its components (1 gray, 3 YCbCr, 4 CMYK) and size, or undefined. */
function jpegFrame(
  bytes: Uint8Array,
): { components: number; width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1];
    const isSof = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isSof)
      return {
        components: bytes[i + 9],
        height: (bytes[i + 5] << 8) | bytes[i + 6],
        width: (bytes[i + 7] << 8) | bytes[i + 8],
      };
    i += 2 + ((bytes[i + 2] << 8) | bytes[i + 3]);
  }
  return undefined;
}

export function decodeJpeg(bytes: Uint8Array): Image {
  const { width, height, data } = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  const rgb: Image = { width, height, channels: 3, data };
  return (jpegFrame(bytes)?.components ?? 3) === 1 ? convertChannels(rgb, 1) : rgb;
}

/**
 * Pillow's limit (twice `Image.MAX_IMAGE_PIXELS`, where it raises DecompressionBombError): a
 * 68-byte PNG declaring 10000x10000 had decoded to a 1.4 GB zero tensor.
 */
export const MAX_IMAGE_PIXELS = 178_956_970;

/** The width and height a PNG's IHDR or a JPEG's frame header declares, or undefined. */
function declaredSize(bytes: Uint8Array, format: ImageFormat): [number, number] | undefined {
  if (format === 'png') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return bytes.length >= 24 ? [view.getUint32(16), view.getUint32(20)] : undefined;
  }
  const frame = jpegFrame(bytes);
  return frame && [frame.width, frame.height];
}

/**
 * Decodes PNG or JPEG bytes, told apart by their signature; images declaring more than
 * `maxPixels` pixels are refused before any decoding.
 */
export function decodeBytes(
  bytes: Uint8Array,
  what = 'image',
  maxPixels = MAX_IMAGE_PIXELS,
): Image {
  const format = sniffFormat(bytes);
  if (format === undefined) {
    throw new ImageDecodeError(
      `decodeImage: ${what} is neither a PNG nor a JPEG (unknown signature)`,
    );
  }
  const size = declaredSize(bytes, format);
  if (size && size[0] * size[1] > maxPixels)
    throw new ImageDecodeError(
      `decodeImage: ${what} declares ${size[0]}x${size[1]} = ${size[0] * size[1]} pixels, more than the limit of ${maxPixels} (a decompression bomb? pass maxPixels to allow it)`,
    );
  try {
    return format === 'png' ? decodePng(bytes) : decodeJpeg(bytes);
  } catch (e) {
    throw new ImageDecodeError(
      `decodeImage: cannot decode ${what} as ${format.toUpperCase()}: ${(e as Error).message}`,
    );
  }
}

const PNG_COLOR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

export function encodePngImage(img: Image, compressionLevel = 6): Uint8Array {
  checkImage(img, 'encodePng');
  if (!(Number.isInteger(compressionLevel) && compressionLevel >= 0 && compressionLevel <= 9)) {
    throw new ValueError(
      `encodePng: compressionLevel must be an integer in [0, 9], got ${compressionLevel}`,
    );
  }
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(convertChannels(img, 4).data);
  const colorType = PNG_COLOR_TYPE[img.channels];
  return new Uint8Array(
    PNG.sync.write(png, { colorType, inputColorType: 6, deflateLevel: compressionLevel }),
  );
}

export function encodeJpegImage(img: Image, quality = 75): Uint8Array {
  checkImage(img, 'encodeJpeg');
  if (!(Number.isInteger(quality) && quality >= 1 && quality <= 100)) {
    throw new ValueError(`encodeJpeg: quality must be an integer in [1, 100], got ${quality}`);
  }
  if (img.channels === 2 || img.channels === 4) {
    throw new ValueError(
      `encodeJpeg: JPEG has no alpha channel; got an image with ${img.channels} channels`,
    );
  }
  const rgba = convertChannels(img, 4);
  return new Uint8Array(
    jpeg.encode({ width: img.width, height: img.height, data: rgba.data }, quality).data,
  );
}
