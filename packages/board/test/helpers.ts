import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { scanRecords } from '../src/index';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

export function tempDir(prefix = 'board-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The single event file directly inside `dir`. */
export function eventFile(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.includes('tfevents'));
  if (files.length !== 1)
    throw new Error(`expected one event file in ${dir}, found ${files.length}`);
  return join(dir, files[0]);
}

export function recordsOf(path: string): Uint8Array[] {
  return scanRecords(readFileSync(path), path).records.map((r) => r.data);
}

/** A test-only PNG decoder (8-bit, non-interlaced; all five filter types), for checking pixels. */
export function decodePng(png: Uint8Array): {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
} {
  const view = new DataView(png.buffer, png.byteOffset, png.length);
  const idat: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  let channels = 0;
  for (let pos = 8; pos < png.length; ) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    const data = png.subarray(pos + 8, pos + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[data[9]] ?? 0;
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      pixels[y * stride + x] = (raw[y * (stride + 1) + 1 + x] + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}
