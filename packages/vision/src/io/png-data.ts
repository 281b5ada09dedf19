/**
 * How much pixel data a PNG holds against what its header declares. pngjs fills whatever is
 * missing with zeros, so a truncated IDAT decoded to a silently black lower part; Pillow
 * raises "image file is truncated" there, and so do we.
 */
import { constants, inflateSync } from 'node:zlib';

/** Samples per pixel of each PNG color type. */
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7's passes: [first column, first row, column step, row step]. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
}

/** Bytes of filtered data the header calls for: a filter byte and packed samples per row. */
export function pngDataBytes(h: Header): number {
  const bits = h.bitDepth * (SAMPLES[h.colorType] ?? 4);
  const rows = (w: number, n: number) => (w > 0 && n > 0 ? n * (1 + Math.ceil((w * bits) / 8)) : 0);
  if (!h.interlace) return rows(h.width, h.height);
  return ADAM7.reduce(
    (sum, [x0, y0, dx, dy]) =>
      sum + rows(Math.ceil((h.width - x0) / dx), Math.ceil((h.height - y0) / dy)),
    0,
  );
}

/**
 * The header and every IDAT chunk's bytes, or undefined where the chunk list does not parse
 * (pngjs then reports the damage itself).
 */
function chunks(bytes: Uint8Array): { header: Header; idat: Uint8Array[] } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | undefined;
  const idat: Uint8Array[] = [];
  for (let pos = 8; pos + 8 <= bytes.length; ) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const data = bytes.subarray(pos + 8, Math.min(pos + 8 + length, bytes.length));
    if (type === 'IHDR' && data.length >= 13) {
      const d = new DataView(data.buffer, data.byteOffset, 13);
      header = {
        width: d.getUint32(0),
        height: d.getUint32(4),
        bitDepth: data[8],
        colorType: data[9],
        interlace: data[12],
      };
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + length;
  }
  return header && { header, idat };
}

/** A message where the pixel data is shorter than the header declares, else undefined. */
export function shortPngData(bytes: Uint8Array): string | undefined {
  const found = chunks(bytes);
  if (!found) return undefined;
  const want = pngDataBytes(found.header);
  let got: number;
  try {
    // Inflated only as far as the header needs; a stream cut short yields what it has.
    got = inflateSync(Buffer.concat(found.idat), {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: Math.max(want, 1),
    }).length;
  } catch {
    return undefined; // a damaged stream: pngjs names it
  }
  if (got >= want) return undefined;
  const { width, height } = found.header;
  return `image file is truncated: ${width}x${height} needs ${want} bytes of pixel data, it holds ${got}`;
}
