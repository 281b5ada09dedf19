import { SerializeError } from '../errors';

// The zip subset torch.save writes and reads: stored (uncompressed) entries, no encryption,
// each entry's data aligned to 64 bytes by padding in the local header's extra field.

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const ALIGN = 64;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Uint8Array): number {
  let c = ~0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** The entries of a stored zip by name; errors name `where`. */
export function readZip(bytes: Uint8Array, where: string): Map<string, Uint8Array> {
  const fail = (what: string): never => {
    throw new SerializeError(`${where}: not a readable torch.save zip (${what})`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let end = -1;
  // The end record is the last 22 bytes, or earlier by a comment of up to 64 KiB.
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === END) {
      end = at;
      break;
    }
  }
  if (end < 0) fail('no end of central directory');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  if (count === 0xffff || at === 0xffffffff) fail('a ZIP64 archive (over 4 GiB) is not supported');
  const entries = new Map<string, Uint8Array>();
  const text = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL)
      fail(`central directory entry ${i} is missing`);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = text.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    if (method !== 0) fail(`entry ${name} is compressed (method ${method}); torch.save stores`);
    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL)
      fail(`entry ${name} has no local header`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + size > bytes.length) fail(`entry ${name} runs past the end of the file`);
    const data = bytes.subarray(start, start + size);
    if (crc32(data) !== crc) fail(`entry ${name} fails its checksum`);
    entries.set(name, data);
    at += 46 + skip;
  }
  return entries;
}

/**
 * A stored zip of `entries`, as parts to write in turn (no copy of the data). Each entry's data
 * starts at a multiple of 64 bytes, as torch.save lays them out.
 */
export function writeZip(entries: readonly [string, Uint8Array][]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const encoder = new TextEncoder();
  for (const [name, data] of entries) {
    const nameBytes = encoder.encode(name);
    const pad = (ALIGN - ((offset + 30 + nameBytes.length + 4) % ALIGN)) % ALIGN;
    const header = new Uint8Array(30 + nameBytes.length + 4 + pad);
    const h = new DataView(header.buffer);
    const crc = crc32(data);
    h.setUint32(0, LOCAL, true);
    h.setUint16(4, 20, true); // version needed
    h.setUint32(14, crc, true);
    h.setUint32(18, data.length, true);
    h.setUint32(22, data.length, true);
    h.setUint16(26, nameBytes.length, true);
    h.setUint16(28, 4 + pad, true);
    header.set(nameBytes, 30);
    // Extra field 'FB' (as PyTorch's writer): padding so the data is aligned.
    h.setUint16(30 + nameBytes.length, 0x4246, true);
    h.setUint16(32 + nameBytes.length, pad, true);
    const record = new Uint8Array(46 + nameBytes.length);
    const c = new DataView(record.buffer);
    c.setUint32(0, CENTRAL, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, data.length, true);
    c.setUint32(24, data.length, true);
    c.setUint16(28, nameBytes.length, true);
    c.setUint32(42, offset, true);
    record.set(nameBytes, 46);
    parts.push(header, data);
    central.push(record);
    offset += header.length + data.length;
    if (offset > 0xffffffff)
      throw new SerializeError(
        'save: checkpoints over 4 GiB in torch format need ZIP64 (not supported yet)',
      );
  }
  const directorySize = central.reduce((n, r) => n + r.length, 0);
  const endRecord = new Uint8Array(22);
  const e = new DataView(endRecord.buffer);
  e.setUint32(0, END, true);
  e.setUint16(8, entries.length, true);
  e.setUint16(10, entries.length, true);
  e.setUint32(12, directorySize, true);
  e.setUint32(16, offset, true);
  return [...parts, ...central, endRecord];
}
