import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetError, type Image, readMat, SVHN } from '../src';

// MATLAB level-5 writing, enough for SVHN's X (uint8) and y (double, or stored as uint8).
function tag(type: number, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(type, 0);
  head.writeUInt32LE(data.length, 4);
  const pad = Buffer.alloc((8 - (data.length % 8)) % 8);
  return Buffer.concat([head, data, pad]);
}

function int32s(values: number[]): Uint8Array {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => {
    b.writeInt32LE(v, 4 * i);
  });
  return b;
}

function matrix(
  name: string,
  mxClass: number,
  dims: number[],
  storageType: number,
  data: Uint8Array,
): Buffer {
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(mxClass, 0);
  const body = Buffer.concat([
    tag(6, flags),
    tag(5, int32s(dims)),
    tag(1, Buffer.from(name)),
    tag(storageType, data),
  ]);
  return tag(14, body);
}

function matFile(elements: Buffer[], compressed: boolean): Buffer {
  const header = Buffer.alloc(128, 0x20);
  header.write('MATLAB 5.0 MAT-file, written by a Tensile test', 0, 'latin1');
  header.fill(0, 116, 124);
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  // A compressed element is not padded: its size is the deflate stream's.
  const body = elements.map((e) =>
    compressed ? tag(15, deflateSync(e)).subarray(0, 8 + deflateSync(e).length) : e,
  );
  return Buffer.concat([header, ...body]);
}

/** X[h, w, c, k] = (h + 2w + 3c + 5k) % 256, stored column-major; labels 10, 1, 2, ... */
function svhnFile(n: number, compressed: boolean, labelsAsUint8 = false): Buffer {
  const x = new Uint8Array(32 * 32 * 3 * n);
  for (let k = 0; k < n; k++) {
    for (let c = 0; c < 3; c++) {
      for (let w = 0; w < 32; w++)
        for (let h = 0; h < 32; h++)
          x[h + 32 * w + 1024 * c + 3072 * k] = (h + 2 * w + 3 * c + 5 * k) % 256;
    }
  }
  const labels = Array.from({ length: n }, (_, k) => (k === 0 ? 10 : k));
  const y = labelsAsUint8
    ? Uint8Array.from(labels)
    : new Uint8Array(Float64Array.from(labels).buffer);
  return matFile(
    [matrix('X', 9, [32, 32, 3, n], 2, x), matrix('y', 6, [n, 1], labelsAsUint8 ? 2 : 9, y)],
    compressed,
  );
}

describe('SVHN', () => {
  for (const compressed of [false, true]) {
    it(`reads ${compressed ? 'compressed' : 'plain'} MATLAB 5 files; label 10 is digit 0`, () => {
      const root = mkdtempSync(join(tmpdir(), 'vision-svhn-'));
      writeFileSync(join(root, 'train_32x32.mat'), svhnFile(3, compressed, compressed));
      const ds = new SVHN(root);
      expect(ds.length).toBe(3);
      expect(ds.data.shape).toEqual([3, 3, 32, 32]);
      expect(ds.targets).toEqual([0, 1, 2]);
      const [img, label] = ds.get(2) as [Image, number];
      expect(label).toBe(2);
      // pixel (h=1, w=4), channel 2 of image 2: 1 + 8 + 6 + 10 = 25
      expect(img.data[(1 * 32 + 4) * 3 + 2]).toBe(25);
    });
  }

  it('inflates a compressed element only as far as the element inside declares (issue 21)', () => {
    const small = matrix('y', 6, [1, 1], 9, new Uint8Array(8));
    // The element, then 64 MB of zeros in the same deflate stream (about 64 KB of it).
    const stream = deflateSync(Buffer.concat([small, Buffer.alloc(64 << 20)]));
    const head = Buffer.alloc(8);
    head.writeUInt32LE(15, 0);
    head.writeUInt32LE(stream.length, 4);
    const file = Buffer.concat([matFile([], false), head, stream]);
    expect(() => readMat(file, 'bomb.mat')).toThrow(DatasetError);
    expect(() => readMat(file, 'bomb.mat')).toThrow(
      `bomb.mat: a compressed element inflates past the ${small.length} bytes its header declares`,
    );
    // The same element alone reads.
    const alone = deflateSync(small);
    head.writeUInt32LE(alone.length, 4);
    expect(readMat(Buffer.concat([matFile([], false), head, alone])).get('y')?.dims).toEqual([
      1, 1,
    ]);
  });

  it('reads an array longer than a JavaScript array can be (issue 21: SVHN train, 225M values)', () => {
    // 140M bytes: past V8's largest array (2^27 elements), which Array.from had hit.
    const n = 140_000_000;
    const x = new Uint8Array(n);
    x[0] = 7;
    x[n - 1] = 9;
    const file = matFile([matrix('X', 9, [n, 1], 2, x)], false);
    const m = readMat(file).get('X');
    expect(m?.data).toBeInstanceOf(Uint8Array);
    expect([m?.data.length, m?.data[0], m?.data[n - 1]]).toEqual([n, 7, 9]);
  });

  it('reads the other splits and says where files go when missing', () => {
    const root = mkdtempSync(join(tmpdir(), 'vision-svhn-'));
    writeFileSync(join(root, 'test_32x32.mat'), svhnFile(1, false));
    expect(new SVHN(root, { split: 'test' }).length).toBe(1);
    expect(() => new SVHN(root)).toThrow(DatasetError);
    expect(() => new SVHN(root)).toThrow(
      /train_32x32.mat \(md5 e26dedcc434d2e4c54c9b2d4a06d8373\)/,
    );
    expect(() => new SVHN(root, { split: 'bad' as 'test' })).toThrow(
      /Valid values are train, test, extra/,
    );
  });

  it('names truncated and foreign files', () => {
    const root = mkdtempSync(join(tmpdir(), 'vision-svhn-'));
    writeFileSync(join(root, 'train_32x32.mat'), svhnFile(2, false).subarray(0, 3000));
    expect(() => new SVHN(root)).toThrow(/train_32x32.mat' is truncated/);
    writeFileSync(join(root, 'train_32x32.mat'), Buffer.alloc(200));
    expect(() => new SVHN(root)).toThrow(/is not a MATLAB 5 .mat file/);
    const v73 = Buffer.alloc(200);
    v73.write('MATLAB 7.3 MAT-file');
    expect(() => readMat(v73)).toThrow(/v7.3 \(HDF5\)/);
  });
});
