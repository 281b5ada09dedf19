import { deflateSync } from 'node:zlib';
import { concatBytes } from '../bytes';
import { crc32 } from '../record/crc';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
// PNG colour type for 1..4 interleaved channels: grey, grey+alpha, RGB, RGBA.
const COLOR_TYPE = [0, 0, 4, 2, 6];

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Encodes 8-bit interleaved pixels (height × width × channels, row-major) as a PNG. */
export function encodePng(
  width: number,
  height: number,
  channels: number,
  pixels: Uint8Array,
): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, COLOR_TYPE[channels], 0, 0, 0], 8);
  const stride = width * channels;
  // Each scanline is prefixed by its filter type; 0 (none) keeps the encoder trivial.
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++)
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const parts = [
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ];
  return concatBytes(parts);
}
