import { RecordCorruptionError } from '../errors';
import { maskedCrc32c } from './crc';

// TFRecord framing: uint64 length, masked CRC32C of those 8 bytes, data, masked CRC32C of data.
const HEADER = 12;
const FOOTER = 4;
/** Framing bytes around a record's data. */
export const RECORD_OVERHEAD = HEADER + FOOTER;

/**
 * Frames `data` as one TFRecord: length, masked CRC-32C of the length, data, masked CRC-32C of the
 * data.
 */
export function encodeRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + data.length + FOOTER);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, HEADER);
  view.setUint32(HEADER + data.length, maskedCrc32c(data), true);
  return out;
}

/** What scanRecords found in a buffer. */
export interface RecordScan {
  /**
   * The complete, checksummed records: each one's byte offset (from baseOffset) and its data, a
   * view into the scanned buffer.
   */
  records: { offset: number; data: Uint8Array }[];
  /** Bytes consumed: where the next (possibly incomplete) record starts. */
  end: number;
  /** Bytes after `end` form an incomplete record (a writer still writing, or killed). */
  truncated: boolean;
  /** The whole size of that incomplete record, framing included, once its header is in. */
  pending?: number;
  /** A checksum mismatch at `end`; `records` holds the good ones before it. */
  error?: RecordCorruptionError;
}

/**
 * Splits a buffer into records. An incomplete last record is not an error (see `truncated`);
 * scanning stops at a checksum mismatch (see `error`, which names `file` and the byte offset).
 */
export function scanRecords(bytes: Uint8Array, file = '<buffer>', baseOffset = 0): RecordScan {
  // A plain view: a Buffer's subarray builds a Buffer, several times slower per record.
  const buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const records: RecordScan['records'] = [];
  const fail = (pos: number, detail: string): RecordScan => ({
    records,
    end: baseOffset + pos,
    truncated: false,
    error: new RecordCorruptionError(file, baseOffset + pos, detail),
  });
  let pos = 0;
  while (pos + HEADER <= buf.length) {
    if (maskedCrc32c(buf, pos, pos + 8) !== view.getUint32(pos + 8, true))
      return fail(pos, 'length checksum mismatch');
    const length = view.getUint32(pos, true) + view.getUint32(pos + 4, true) * 2 ** 32;
    const dataEnd = pos + HEADER + length;
    if (dataEnd + FOOTER > buf.length)
      return {
        records,
        end: baseOffset + pos,
        truncated: true,
        pending: length + RECORD_OVERHEAD,
      };
    if (maskedCrc32c(buf, pos + HEADER, dataEnd) !== view.getUint32(dataEnd, true))
      return fail(pos, 'data checksum mismatch');
    records.push({ offset: baseOffset + pos, data: buf.subarray(pos + HEADER, dataEnd) });
    pos = dataEnd + FOOTER;
  }
  return { records, end: baseOffset + pos, truncated: pos < buf.length };
}
