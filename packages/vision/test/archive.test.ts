import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, extractTar, extractZip } from '../src';
import { writeEntries } from '../src/datasets/archive';
import { tarBytes, zipBytes } from './archive-writer';

const files = { 'a/one.txt': Buffer.from('hello'), 'a/b/two.bin': Buffer.alloc(700, 7) };

describe('archives', () => {
  it('extracts tar files', () => {
    const entries = extractTar(tarBytes(files));
    expect(entries.map((e) => [e.name, e.data.length])).toEqual([
      ['a/one.txt', 5],
      ['a/b/two.bin', 700],
    ]);
    expect(Buffer.from(entries[0].data).toString()).toBe('hello');
  });

  it('extracts zip files, skipping directories', () => {
    const entries = extractZip(zipBytes(files));
    expect(entries.map((e) => e.name)).toEqual(['a/one.txt', 'a/b/two.bin']);
    expect([...entries[1].data]).toEqual(new Array(700).fill(7));
  });

  it('names truncated archives', () => {
    expect(() => extractTar(tarBytes(files).subarray(0, 1200), 'x.tar')).toThrow(
      /x.tar is truncated/,
    );
    expect(() => extractZip(zipBytes(files).subarray(0, 40), 'x.zip')).toThrow(DatasetError);
    expect(() => extractZip(zipBytes(files).subarray(0, 40), 'x.zip')).toThrow(
      /x.zip is not a zip file, or is truncated/,
    );
  });

  it('inflates a zip entry no further than its declared size (issue 21)', () => {
    // 64 MB of zeros deflate to about 64 KB; the directory says 10 bytes.
    const bomb = { 'big.bin': new Uint8Array(64 << 20) };
    expect(() => extractZip(zipBytes(bomb, { 'big.bin': 10 }), 'x.zip')).toThrow(
      /x.zip: big.bin does not inflate to the 10 bytes its directory declares/,
    );
    expect(() => extractZip(zipBytes(files, { 'a/one.txt': 9 }), 'x.zip')).toThrow(
      'x.zip: a/one.txt holds 5 bytes, but its directory declares 9',
    );
    expect(() => extractZip(zipBytes(files, { 'a/one.txt': 0xffffffff }), 'x.zip')).toThrow(
      /a\/one.txt is a zip64 entry/,
    );
  });

  it("writes under a root spelled with a trailing slash, './' or '..' parts (issue 21)", () => {
    const entries = extractTar(tarBytes(files));
    const base = mkdtempSync(join(tmpdir(), 'vision-root-'));
    const rel = relative(process.cwd(), base);
    for (const root of [`${base}/`, `./${rel}/a/`, `${base}/x/../b`]) {
      writeEntries(entries, root);
      expect(readFileSync(join(root, 'a/one.txt'), 'utf8')).toBe('hello');
    }
    expect(() => writeEntries([{ name: '../evil', data: new Uint8Array(1) }], `${base}/`)).toThrow(
      /points outside/,
    );
  });
});
