import {
  DTypeError,
  getDefaultDtype,
  isFloating,
  ShapeError,
  type Tensor,
  ValueError,
} from '@tensile/tensor';
import { describe, fmtShape, fromTyped, imageDims } from './tensor-util';

/**
 * An 8-bit image with interleaved channels (HWC), the counterpart of a PIL image:
 * 1 channel is mode L, 2 LA, 3 RGB, 4 RGBA. `data.length === width * height * channels`.
 */
export interface Image {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

export type ImageMode = 'L' | 'LA' | 'RGB' | 'RGBA';

const MODES: Record<ImageMode, Image['channels']> = { L: 1, LA: 2, RGB: 3, RGBA: 4 };

export function modeOf(img: Image): ImageMode {
  return (['L', 'LA', 'RGB', 'RGBA'] as const)[img.channels - 1];
}

export function isImage(x: unknown): x is Image {
  if (typeof x !== 'object' || x === null) return false;
  const i = x as Partial<Image>;
  return (
    i.data instanceof Uint8Array &&
    typeof i.width === 'number' &&
    typeof i.height === 'number' &&
    typeof i.channels === 'number'
  );
}

export function checkImage(img: Image, op: string): void {
  const { width, height, channels, data } = img;
  if (![1, 2, 3, 4].includes(channels)) {
    throw new ValueError(`${op}: an Image has 1 to 4 channels, got ${channels}`);
  }
  if (data.length !== width * height * channels) {
    throw new ShapeError(
      `${op}: Image data has ${data.length} bytes, expected width*height*channels = ` +
        `${width}*${height}*${channels} = ${width * height * channels}`,
    );
  }
}

/** An Image as a uint8 [C, H, W] tensor (torchvision's pil_to_tensor / PILToTensor). */
export function pilToTensor(img: Image): Tensor {
  checkImage(img, 'pilToTensor');
  const { width: w, height: h, channels: c, data } = img;
  const out = new Uint8Array(data.length);
  const hw = w * h;
  for (let p = 0; p < hw; p++) for (let k = 0; k < c; k++) out[k * hw + p] = data[p * c + k];
  return fromTyped(out, 'uint8', [c, h, w]);
}

/**
 * torchvision's to_tensor: an Image (HWC uint8) becomes a float [C, H, W] tensor in [0, 1];
 * a uint8 tensor (taken as [C, H, W] or [H, W]) is scaled the same way; a tensor of another
 * dtype is returned unchanged, like a non-uint8 numpy array in torchvision.
 */
export function toTensor(pic: Image | Tensor): Tensor {
  let t: Tensor;
  if (isImage(pic)) t = pilToTensor(pic);
  else {
    const { lead } = imageDims(pic, 'toTensor');
    if (lead.length > 0) {
      throw new ShapeError(`toTensor: pic should be 2/3 dimensional. Got ${pic.ndim} dimensions.`);
    }
    t = pic.ndim === 2 ? pic.unsqueeze(0) : pic;
  }
  if (t.dtype !== 'uint8') return t;
  return t.to(getDefaultDtype()).div(255);
}

/**
 * torchvision's to_pil_image: a [C, H, W] or [H, W] tensor (C <= 4) becomes an Image.
 * Floats are scaled by 255 and truncated (`pic.mul(255).byte()`), saturating outside [0, 1].
 * `mode` checks the channel count (L 1, LA 2, RGB 3, RGBA 4).
 */
export function toImage(pic: Tensor, opts: { mode?: ImageMode } = {}): Image {
  if (isImage(pic)) return pic;
  const { lead, c, h, w } = imageDims(pic, 'toImage');
  if (lead.length > 0) {
    throw new ShapeError(`toImage: pic should be 2/3 dimensional. Got ${pic.ndim} dimensions.`);
  }
  if (c > 4) throw new ShapeError(`toImage: pic should not have > 4 channels. Got ${c} channels.`);
  if (opts.mode !== undefined && MODES[opts.mode] !== c) {
    throw new ValueError(
      `toImage: mode ${opts.mode} needs ${MODES[opts.mode]} channels, got a tensor of shape ${fmtShape(pic.shape)}`,
    );
  }
  if (!isFloating(pic.dtype) && pic.dtype !== 'uint8') {
    throw new DTypeError(`toImage: input type ${pic.dtype} is not supported (uint8 or float)`);
  }
  const src = pic.contiguous().dataSync();
  const scale = isFloating(pic.dtype) ? 255 : 1;
  const out = new Uint8Array(c * h * w);
  const hw = h * w;
  for (let k = 0; k < c; k++) {
    for (let p = 0; p < hw; p++) {
      const v = Math.trunc(src[k * hw + p] * scale);
      out[p * c + k] = Math.min(Math.max(v, 0), 255);
    }
  }
  return { width: w, height: h, channels: c as Image['channels'], data: out };
}

/** Runs a tensor transform on an Image through its uint8 [C, H, W] tensor. */
export function onImage(img: Image, fn: (t: Tensor) => Tensor): Image {
  return toImage(fn(pilToTensor(img)));
}

export function assertImageOrTensor(x: unknown, op: string): void {
  if (!isImage(x) && !(typeof x === 'object' && x !== null && 'shape' in x)) {
    throw new DTypeError(`${op}: img should be an Image or a Tensor. Got ${describe(x)}`);
  }
}
