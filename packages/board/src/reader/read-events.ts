import { readFile } from 'node:fs/promises';
import { RecordCorruptionError } from '../errors';
import { decodeEvent, type Event } from '../proto/event';
import { scanRecords } from '../record/tfrecord';

/** Decodes records into events; a record that passes its checksum but fails to parse is corruption too. */
export function decodeRecords(
  records: { offset: number; data: Uint8Array }[],
  file: string,
): Event[] {
  return records.map(({ offset, data }) => {
    try {
      return decodeEvent(data);
    } catch (err) {
      throw new RecordCorruptionError(
        file,
        offset,
        `not an Event proto (${(err as Error).message})`,
      );
    }
  });
}

/**
 * Every event of one event file, written by this package, PyTorch or TensorFlow. A truncated
 * last record (a writer killed mid-write) is skipped; a checksum error throws RecordCorruptionError.
 */
export async function readEvents(path: string): Promise<Event[]> {
  const scan = scanRecords(await readFile(path), path);
  if (scan.error) throw scan.error;
  return decodeRecords(scan.records, path);
}
