// Table-driven reflected CRC-32; one builder serves CRC-32C (TFRecord) and CRC-32 (PNG).

function makeTable(polynomial: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ polynomial : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const CASTAGNOLI = makeTable(0x82f63b78);
const IEEE = makeTable(0xedb88320);

function crc(table: Uint32Array, data: Uint8Array, seed: number): number {
  let c = ~seed;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32C (Castagnoli), as TensorFlow's crc32c::Value. */
export function crc32c(data: Uint8Array): number {
  return crc(CASTAGNOLI, data, 0);
}

/** CRC-32 (IEEE), as PNG chunks use; `seed` continues a running checksum. */
export function crc32(data: Uint8Array, seed = 0): number {
  return crc(IEEE, data, seed);
}

const MASK_DELTA = 0xa282ead8;

/** TensorFlow's crc32c::Mask: rotate right by 15 bits and add a constant. */
export function maskedCrc32c(data: Uint8Array): number {
  const c = crc32c(data);
  return (((c >>> 15) | (c << 17)) + MASK_DELTA) >>> 0;
}
