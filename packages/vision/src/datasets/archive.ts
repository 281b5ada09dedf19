import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { DatasetError } from '../errors';

export interface ArchiveEntry {
  name: string;
  data: Uint8Array;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  const end = bytes.indexOf(0, start);
  return Buffer.from(
    bytes.subarray(start, end >= 0 && end < start + length ? end : start + length),
  ).toString('utf8');
}

/** The regular files of a (ustar or GNU) tar archive; `what` names it in errors. */
export function extractTar(bytes: Uint8Array, what = 'tar archive'): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  let longName: string | undefined;
  let off = 0;
  for (; off + 512 <= bytes.length; ) {
    if (bytes[off] === 0) return entries; // end-of-archive blocks
    const size = Number.parseInt(ascii(bytes, off + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(bytes[off + 156] || 48);
    const prefix = ascii(bytes, off + 345, 155);
    const data = bytes.subarray(off + 512, off + 512 + size);
    if (data.length < size)
      throw new DatasetError(
        `${what} is truncated: an entry needs ${size} bytes past offset ${off + 512}`,
      );
    const name =
      longName ?? (prefix ? `${prefix}/${ascii(bytes, off, 100)}` : ascii(bytes, off, 100));
    longName = undefined;
    if (type === 'L') longName = ascii(data, 0, size);
    else if (type === '0' || type === '7') entries.push({ name, data });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  if (off < bytes.length)
    throw new DatasetError(`${what} is truncated: a partial header at offset ${off}`);
  return entries;
}

/**
 * An entry's bytes, inflated no further than the size its directory declares: a few hundred
 * kilobytes of deflated zeros would otherwise inflate to gigabytes before anything is checked.
 */
function unpack(raw: Uint8Array, method: number, size: number, what: string): Uint8Array {
  if (size === 0xffffffff)
    throw new DatasetError(`${what} is a zip64 entry, which is not supported`);
  let data: Uint8Array;
  try {
    data = method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });
  } catch (e) {
    throw new DatasetError(
      `${what} does not inflate to the ${size} bytes its directory declares: ${(e as Error).message}`,
    );
  }
  if (data.length !== size)
    throw new DatasetError(
      `${what} holds ${data.length} bytes, but its directory declares ${size}`,
    );
  return data;
}

/** The files of a zip archive (stored or deflated entries), read through its central directory. */
export function extractZip(bytes: Uint8Array, what = 'zip archive'): ArchiveEntry[] {
  try {
    return readZip(bytes, what);
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    // A directory or header offset past the end (DataView's RangeError).
    throw new DatasetError(`${what} is corrupt or truncated (${(e as Error).message})`);
  }
}

function readZip(bytes: Uint8Array, what: string): ArchiveEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
    throw new DatasetError(
      `${what} is not a zip file, or is truncated (no end of central directory)`,
    );
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const entries: ArchiveEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (view.getUint32(p, true) !== 0x02014b50)
      throw new DatasetError(`${what}: corrupt central directory`);
    const method = view.getUint16(p + 10, true);
    const compressed = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = Buffer.from(bytes.subarray(p + 46, p + 46 + nameLen)).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = bytes.subarray(start, start + compressed);
    if (raw.length < compressed) throw new DatasetError(`${what} is truncated in ${name}`);
    if (method !== 0 && method !== 8)
      throw new DatasetError(`${what}: ${name} uses unsupported compression method ${method}`);
    entries.push({ name, data: unpack(raw, method, size, `${what}: ${name}`) });
  }
  return entries;
}

/** Writes entries under `dir`, refusing names that would leave it. */
export function writeEntries(entries: readonly ArchiveEntry[], dir: string): void {
  for (const e of entries) {
    // Resolved paths, so that '.', './data/' and '/x/' are roots like any other.
    const path = resolve(dir, e.name);
    const rel = relative(resolve(dir), path);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
      throw new DatasetError(`archive entry '${e.name}' points outside ${dir}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, e.data);
  }
}
