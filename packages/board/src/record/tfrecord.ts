import { RecordCorruptionError } from '../errors';
import { maskedCrc32c } from './crc';

// TFRecord framing: uint64 length, masked CRC32C of those 8 bytes, data, masked CRC32C of data.
const HEADER = 12;
const FOOTER = 4;
/** Framing bytes around a record's data. */
export const RECORD_OVERHEAD = HEADER + FOOTER;

export function encodeRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + data.length + FOOTER);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, HEADER);
  view.setUint32(HEADER + data.length, maskedCrc32c(data), true);
  return out;
}

export interface RecordScan {
  records: { offset: number; data: Uint8Array }[];
  /** Bytes consumed: where the next (possibly incomplete) record starts. */
  end: number;
  /** Bytes after `end` form an incomplete record (a writer still writing, or killed). */
  truncated: boolean;
  /** A checksum mismatch at `end`; `records` holds the good ones before it. */
  error?: RecordCorruptionError;
}

/**
 * Splits a buffer into records. An incomplete last record is not an error (see `truncated`);
 * scanning stops at a checksum mismatch (see `error`, which names `file` and the byte offset).
 */
export function scanRecords(buf: Uint8Array, file = '<buffer>', baseOffset = 0): RecordScan {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const records: RecordScan['records'] = [];
  let pos = 0;
  while (pos + HEADER <= buf.length) {
    const offset = baseOffset + pos;
    const fail = (detail: string) => ({
      records,
      end: offset,
      truncated: false,
      error: new RecordCorruptionError(file, offset, detail),
    });
    if (maskedCrc32c(buf.subarray(pos, pos + 8)) !== view.getUint32(pos + 8, true))
      return fail('length checksum mismatch');
    const length = Number(view.getBigUint64(pos, true));
    const dataEnd = pos + HEADER + length;
    if (dataEnd + FOOTER > buf.length) break;
    const data = buf.subarray(pos + HEADER, dataEnd);
    if (maskedCrc32c(data) !== view.getUint32(dataEnd, true)) return fail('data checksum mismatch');
    records.push({ offset, data });
    pos = dataEnd + FOOTER;
  }
  return { records, end: baseOffset + pos, truncated: pos < buf.length };
}
