/**
 * Mutation fuzzing of every file parser (issue 21): a few thousand damaged copies of a valid
 * file each, bit flips, overwritten and dropped runs, cuts and splices, from a seeded generator.
 * Each parse must end with a result or the package's own error naming the damage, never a raw
 * TypeError/RangeError, a hang or a runaway allocation (the parsers bound what they inflate and
 * allocate by what the file's headers and size allow).
 */
import { deflateSync } from 'node:zlib';
import { tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../tools/fuzz';
import {
  DatasetError,
  decodeImage,
  encodeJpeg,
  encodePng,
  extractTar,
  extractZip,
  ImageDecodeError,
  parseIdx,
  readMat,
  unpickle,
} from '../src';
import { tarBytes, zipBytes } from './archive-writer';
import { py2Batch } from './cifar-writer';
import { idxBytes } from './idx-writer';

const img = tensor(
  Array.from({ length: 3 * 6 * 5 }, (_, i) => (i * 37) % 256),
  { dtype: 'uint8' },
).reshape([3, 6, 5]);

describe('parsers under mutation (issue 21)', { timeout: 120_000 }, () => {
  it('IDX', () => {
    const seed = idxBytes(
      [3, 4, 5],
      Uint8Array.from({ length: 60 }, (_, i) => i),
    );
    expect(fuzz(seed, (b) => parseIdx(b, 'fuzz.idx'), [DatasetError])).toEqual([]);
  });

  it('PNG and JPEG', () => {
    const decode = (b: Uint8Array) => decodeImage(b);
    expect(fuzz(encodePng(img), decode, [ImageDecodeError])).toEqual([]);
    expect(fuzz(encodeJpeg(img, { quality: 90 }), decode, [ImageDecodeError])).toEqual([]);
  });

  it('pickle', () => {
    expect(fuzz(py2Batch([1, 2], [3, 4]), (b) => unpickle(b, 'fuzz.pkl'), [DatasetError])).toEqual(
      [],
    );
  });

  it('MAT, plain and compressed', () => {
    const header = Buffer.alloc(128, 0x20);
    header.write('MATLAB 5.0 MAT-file', 0, 'latin1');
    header.writeUInt16LE(0x0100, 124);
    header.write('IM', 126, 'latin1');
    const tag = (type: number, data: Uint8Array) => {
      const h = Buffer.alloc(8);
      h.writeUInt32LE(type, 0);
      h.writeUInt32LE(data.length, 4);
      return Buffer.concat([h, data, Buffer.alloc((8 - (data.length % 8)) % 8)]);
    };
    const dims = Buffer.alloc(8);
    dims.writeInt32LE(2, 0);
    dims.writeInt32LE(3, 4);
    const matrix = tag(
      14,
      Buffer.concat([
        tag(6, Buffer.from([9, 0, 0, 0, 0, 0, 0, 0])),
        tag(5, dims),
        tag(1, Buffer.from('X')),
        tag(2, Buffer.from([1, 2, 3, 4, 5, 6])),
      ]),
    );
    const z = deflateSync(matrix);
    const compressed = Buffer.concat([
      Buffer.from([15, 0, 0, 0]),
      Buffer.from(new Uint32Array([z.length]).buffer),
      z,
    ]);
    for (const body of [matrix, compressed])
      expect(
        fuzz(Buffer.concat([header, body]), (b) => readMat(b, 'fuzz.mat'), [DatasetError]),
      ).toEqual([]);
  });

  it('tar and zip', () => {
    const files = { 'a/one.txt': Buffer.from('hello'), 'a/b/two.bin': Buffer.alloc(700, 7) };
    expect(fuzz(tarBytes(files), (b) => extractTar(b, 'fuzz.tar'), [DatasetError])).toEqual([]);
    expect(fuzz(zipBytes(files), (b) => extractZip(b, 'fuzz.zip'), [DatasetError])).toEqual([]);
  });
});
