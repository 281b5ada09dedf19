import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  crc32c,
  encodeRecord,
  maskedCrc32c,
  RecordCorruptionError,
  readEvents,
  scanRecords,
} from '../src/index';
import { FIXTURES, recordsOf, tempDir } from './helpers';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('crc32c', () => {
  // RFC 3720 B.4 vectors (also in TensorFlow's and LevelDB's crc32c tests) and the CRC catalogue check value.
  it('matches published test vectors', () => {
    expect(crc32c(new Uint8Array())).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(bytes('123456789'))).toBe(0xe3069283);
  });

  it('masks as TensorFlow does: rotate right 15, add 0xa282ead8', () => {
    for (const data of [new Uint8Array(), bytes('foo'), new Uint8Array(32)]) {
      const c = crc32c(data);
      expect(maskedCrc32c(data)).toBe((((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0);
    }
    expect(maskedCrc32c(new Uint8Array())).toBe(0xa282ead8);
  });
});

describe('TFRecord framing', () => {
  it('frames as uint64 length, masked crc of it, data, masked crc of data', () => {
    const record = encodeRecord(bytes('abc'));
    const view = new DataView(record.buffer);
    expect(record.length).toBe(8 + 4 + 3 + 4);
    expect(view.getBigUint64(0, true)).toBe(3n);
    expect(view.getUint32(8, true)).toBe(maskedCrc32c(record.subarray(0, 8)));
    expect(view.getUint32(15, true)).toBe(maskedCrc32c(bytes('abc')));
  });

  it('reproduces every record PyTorch wrote, byte for byte', () => {
    const file = join(
      FIXTURES,
      'torch',
      readdirSync(join(FIXTURES, 'torch')).find((f) => f.includes('tfevents'))!,
    );
    const raw = readFileSync(file);
    const framed = Buffer.concat(recordsOf(file).map((data) => encodeRecord(data)));
    expect(framed.equals(raw)).toBe(true);
  });

  it('treats an incomplete last record as truncation, not corruption', () => {
    const whole = Buffer.concat([encodeRecord(bytes('one')), encodeRecord(bytes('two'))]);
    for (let cut = whole.length - 1; cut > 19; cut--) {
      const scan = scanRecords(whole.subarray(0, cut));
      expect(scan.error).toBeUndefined();
      expect(scan.records).toHaveLength(1);
      expect(scan.end).toBe(19);
      expect(scan.truncated).toBe(true);
    }
  });

  it('reports checksum errors with the file and byte offset', async () => {
    const dir = tempDir();
    const path = join(dir, 'events.out.tfevents.bad');
    const good = encodeRecord(bytes('first'));
    const bad = encodeRecord(bytes('second'));
    bad[14] ^= 0xff;
    writeFileSync(path, Buffer.concat([good, bad]));
    const scan = scanRecords(readFileSync(path), path);
    expect(scan.records).toHaveLength(1);
    expect(scan.error).toBeInstanceOf(RecordCorruptionError);
    await expect(readEvents(path)).rejects.toThrow(
      `${path}: corrupt record at byte offset ${good.length}: data checksum mismatch`,
    );
    const badLength = Buffer.from(good);
    badLength[0] ^= 1;
    writeFileSync(path, badLength);
    await expect(readEvents(path)).rejects.toThrow('byte offset 0: length checksum mismatch');
  });
});
