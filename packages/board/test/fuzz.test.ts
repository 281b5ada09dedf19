/**
 * Mutation fuzzing of the event file reader (issue 21): damaged copies of a log with every
 * kind of value, both as files (the record framing and its checksums) and as Event payloads
 * re-framed with valid checksums (the protobuf decoders and the accumulator). Each must end in
 * a result or the reader's own errors, never a raw TypeError/RangeError or a hang.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../tools/fuzz';
import { decodeEvent, encodeRecord, RecordCorruptionError, scanRecords } from '../src/index';
import { ProtoDecodeError } from '../src/proto/wire';
import { RunAccumulator } from '../src/reader/accumulator';
import { writeDashboardRuns } from './dashboard-data';
import { eventFile, tempDir } from './helpers';

describe('event files under mutation (issue 21)', { timeout: 120_000 }, () => {
  it('framing, Event decoding and accumulation', async () => {
    const dir = tempDir();
    await writeDashboardRuns(dir);
    const file = readFileSync(eventFile(`${dir}/baseline`));
    const read = (b: Uint8Array) => {
      const scan = scanRecords(b, 'fuzz.tfevents');
      if (scan.error) throw scan.error;
      const acc = new RunAccumulator('fuzz');
      for (const r of scan.records) acc.add(decodeEvent(r.data));
    };
    read(file);
    expect(fuzz(file, read, [RecordCorruptionError, ProtoDecodeError])).toEqual([]);
    // Each kind of record's payload, damaged under a valid checksum.
    const records = scanRecords(file).records;
    const kinds = [1, 2, 10, records.length - 3, records.length - 2, records.length - 1];
    for (const k of kinds)
      expect(fuzz(records[k].data, (b) => read(encodeRecord(b)), [ProtoDecodeError], 500)).toEqual(
        [],
      );
  });
});
