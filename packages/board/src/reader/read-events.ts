import { readFile } from 'node:fs/promises';
import { RecordCorruptionError } from '../errors';
import { decodeEvent, type Event } from '../proto/event';
import { scanRecords } from '../record/tfrecord';

/** A record that passes its checksum but fails to parse is corruption too. */
export function decodeRecord(record: { offset: number; data: Uint8Array }, file: string): Event {
  try {
    return decodeEvent(record.data);
  } catch (err) {
    throw new RecordCorruptionError(
      file,
      record.offset,
      `not an Event proto (${(err as Error).message})`,
    );
  }
}

/** Decodes records into events, throwing at the first that does not parse. */
export function decodeRecords(
  records: { offset: number; data: Uint8Array }[],
  file: string,
): Event[] {
  return records.map((r) => decodeRecord(r, file));
}

/**
 * Every event of one event file, written by this package, PyTorch or TensorFlow, in file order.
 * A truncated last record (a writer killed mid-write) is skipped; a checksum error throws
 * RecordCorruptionError.
 */
export async function readEvents(path: string): Promise<Event[]> {
  const scan = scanRecords(await readFile(path), path);
  if (scan.error) throw scan.error;
  return decodeRecords(scan.records, path);
}
