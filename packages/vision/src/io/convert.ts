import { ValueError } from '@tensile/tensor';
import type { Image } from '../image';

/** How readImage/decodeImage return channels, after torchvision's ImageReadMode. */
export type ImageReadMode = 'unchanged' | 'gray' | 'grayAlpha' | 'rgb' | 'rgbAlpha';

const CHANNELS: Record<Exclude<ImageReadMode, 'unchanged'>, Image['channels']> = {
  gray: 1,
  grayAlpha: 2,
  rgb: 3,
  rgbAlpha: 4,
};

/** ITU-R 601-2 luma with PIL's fixed-point rounding (Image.convert('L')). */
function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

/**
 * Converts between L, LA, RGB and RGBA as PIL's convert does: gray is replicated into RGB,
 * RGB becomes gray by luma, alpha is dropped (not composited) or added as opaque (255).
 */
export function convertChannels(img: Image, channels: Image['channels']): Image {
  const from = img.channels;
  if (from === channels) return img;
  const n = img.width * img.height;
  const src = img.data;
  const out = new Uint8Array(n * channels);
  const fromAlpha = from === 2 || from === 4;
  const toColor = channels >= 3;
  const toAlpha = channels === 2 || channels === 4;
  for (let p = 0; p < n; p++) {
    const s = p * from;
    const d = p * channels;
    if (from >= 3) {
      if (toColor) {
        out[d] = src[s];
        out[d + 1] = src[s + 1];
        out[d + 2] = src[s + 2];
      } else out[d] = luma(src[s], src[s + 1], src[s + 2]);
    } else if (toColor) {
      out[d] = out[d + 1] = out[d + 2] = src[s];
    } else out[d] = src[s];
    if (toAlpha) out[d + channels - 1] = fromAlpha ? src[s + from - 1] : 255;
  }
  return { width: img.width, height: img.height, channels, data: out };
}

export function applyReadMode(img: Image, mode: ImageReadMode): Image {
  if (mode === 'unchanged') return img;
  const channels = CHANNELS[mode];
  if (channels === undefined) {
    throw new ValueError(
      `readImage: mode must be one of unchanged, gray, grayAlpha, rgb, rgbAlpha, got '${mode}'`,
    );
  }
  return convertChannels(img, channels);
}
