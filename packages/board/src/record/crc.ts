// Reflected CRC-32, slicing by 8 (eight bytes per step through eight tables); one builder serves
// CRC-32C (TFRecord) and CRC-32 (PNG).

function makeTables(polynomial: number): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ polynomial : c >>> 1;
    t[n] = c >>> 0;
  }
  // Table k: the CRC of a byte followed by k zero bytes.
  for (let k = 1; k < 8; k++)
    for (let n = 0; n < 256; n++) {
      const prev = t[(k - 1) * 256 + n];
      t[k * 256 + n] = t[prev & 0xff] ^ (prev >>> 8);
    }
  return t;
}

const CASTAGNOLI = makeTables(0x82f63b78);
const IEEE = makeTables(0xedb88320);

function crc(t: Uint32Array, data: Uint8Array, seed: number, start: number, end: number): number {
  let c = ~seed;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const lo = c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    c =
      t[1792 + (lo & 0xff)] ^
      t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^
      t[1024 + (lo >>> 24)] ^
      t[768 + data[i + 4]] ^
      t[512 + data[i + 5]] ^
      t[256 + data[i + 6]] ^
      t[data[i + 7]];
  }
  for (; i < end; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32C (Castagnoli), as TensorFlow's crc32c::Value. */
export function crc32c(data: Uint8Array): number {
  return crc(CASTAGNOLI, data, 0, 0, data.length);
}

/** CRC-32 (IEEE), as PNG chunks use; `seed` continues a running checksum. */
export function crc32(data: Uint8Array, seed = 0): number {
  return crc(IEEE, data, seed, 0, data.length);
}

const MASK_DELTA = 0xa282ead8;

/**
 * TensorFlow's crc32c::Mask of bytes [start, end) of `data`: rotate right by 15 bits and add a
 * constant.
 */
export function maskedCrc32c(data: Uint8Array, start = 0, end = data.length): number {
  const c = crc(CASTAGNOLI, data, 0, start, end);
  return (((c >>> 15) | (c << 17)) + MASK_DELTA) >>> 0;
}
