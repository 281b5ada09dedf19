import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { CIFAR10, CIFAR100, DatasetError, type Image, ToTensor } from '../src';
import { unpickle } from '../src/datasets/pickle';
import { planes, py2Batch, py2Meta } from './cifar-writer';

const NAMES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

function pythonRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'vision-cifar-'));
  const dir = join(root, 'cifar-10-batches-py');
  mkdirSync(dir);
  for (let b = 1; b <= 5; b++)
    writeFileSync(join(dir, `data_batch_${b}`), py2Batch([b * 2, b * 2 + 1], [b, (b + 5) % 10]));
  writeFileSync(join(dir, 'test_batch'), py2Batch([100], [7]));
  writeFileSync(join(dir, 'batches.meta'), py2Meta('label_names', NAMES));
  return root;
}

function binaryRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'vision-cifar-'));
  const dir = join(root, 'cifar-10-batches-bin');
  mkdirSync(dir);
  const record = (k: number, label: number) => Buffer.concat([Buffer.from([label]), planes(k)]);
  for (let b = 1; b <= 5; b++)
    writeFileSync(
      join(dir, `data_batch_${b}.bin`),
      Buffer.concat([record(b * 2, b), record(b * 2 + 1, (b + 5) % 10)]),
    );
  writeFileSync(join(dir, 'test_batch.bin'), record(100, 7));
  writeFileSync(join(dir, 'batches.meta.txt'), `${NAMES.join('\n')}\n\n`);
  return root;
}

describe('CIFAR10', () => {
  for (const [name, makeRoot] of [
    ['python (pickle)', pythonRoot],
    ['binary', binaryRoot],
  ] as const) {
    it(`reads the ${name} release: HWC data, labels, classes`, () => {
      const ds = new CIFAR10(makeRoot());
      expect(ds.length).toBe(10);
      expect(ds.data.shape).toEqual([10, 32, 32, 3]);
      expect(ds.targets).toEqual([1, 6, 2, 7, 3, 8, 4, 9, 5, 0]);
      expect(ds.classes).toEqual(NAMES);
      expect(ds.classToIdx.cat).toBe(3);
      const [img, label] = ds.get(3) as [Image, number];
      expect(label).toBe(7);
      expect([img.width, img.height, img.channels]).toEqual([32, 32, 3]);
      // sample 3 is batch 2's second image, k = 5: pixel 5 holds (15 + c + 5) in channel c
      expect([...img.data.subarray(15, 18)]).toEqual([20, 21, 22]);
      const test = new CIFAR10(makeRoot(), { train: false, transform: new ToTensor() });
      const [x, y] = test.get(0) as [Tensor, number];
      expect(x.shape).toEqual([3, 32, 32]);
      expect(y).toBe(7);
    });
  }

  it('CIFAR100 reads fine labels from both releases', () => {
    const root = mkdtempSync(join(tmpdir(), 'vision-cifar100-'));
    mkdirSync(join(root, 'cifar-100-python'));
    writeFileSync(
      join(root, 'cifar-100-python', 'train'),
      py2Batch([0, 1], [42, 99], 'fine_labels'),
    );
    writeFileSync(join(root, 'cifar-100-python', 'test'), py2Batch([2], [3], 'fine_labels'));
    const hundred = Array.from({ length: 100 }, (_, i) => `class${i}`);
    writeFileSync(join(root, 'cifar-100-python', 'meta'), py2Meta('fine_label_names', hundred));
    const ds = new CIFAR100(root);
    expect(ds.targets).toEqual([42, 99]);
    expect(ds.classes).toEqual(hundred);

    const bin = mkdtempSync(join(tmpdir(), 'vision-cifar100-'));
    mkdirSync(join(bin, 'cifar-100-binary'));
    const rec = (coarse: number, fine: number, k: number) =>
      Buffer.concat([Buffer.from([coarse, fine]), planes(k)]);
    writeFileSync(
      join(bin, 'cifar-100-binary', 'train.bin'),
      Buffer.concat([rec(1, 42, 0), rec(2, 99, 1)]),
    );
    writeFileSync(join(bin, 'cifar-100-binary', 'test.bin'), rec(0, 3, 2));
    writeFileSync(join(bin, 'cifar-100-binary', 'fine_label_names.txt'), hundred.join('\n'));
    expect(new CIFAR100(bin).targets).toEqual([42, 99]);
  });

  it("reads a Fortran-ordered batch in numpy's logical order (issue 21)", () => {
    const c = pythonRoot();
    const f = pythonRoot();
    for (let b = 1; b <= 5; b++)
      writeFileSync(
        join(f, 'cifar-10-batches-py', `data_batch_${b}`),
        py2Batch([b * 2, b * 2 + 1], [b, (b + 5) % 10], 'labels', true),
      );
    expect(
      Buffer.from(new CIFAR10(f).data.dataSync()).equals(
        Buffer.from(new CIFAR10(c).data.dataSync()),
      ),
    ).toBe(true);
  });

  it('refuses labels that are not class indices, in either release (issue 21)', () => {
    const root = mkdtempSync(join(tmpdir(), 'vision-cifar-'));
    mkdirSync(join(root, 'cifar-10-batches-py'));
    writeFileSync(join(root, 'cifar-10-batches-py', 'batches.meta'), py2Meta('label_names', NAMES));
    for (const name of [
      'data_batch_1',
      'data_batch_2',
      'data_batch_3',
      'data_batch_4',
      'data_batch_5',
      'test_batch',
    ])
      writeFileSync(
        join(root, 'cifar-10-batches-py', name),
        py2Batch([0], [name === 'data_batch_3' ? 10 : 1]),
      );
    expect(() => new CIFAR10(root)).toThrow(DatasetError);
    expect(() => new CIFAR10(root)).toThrow(
      /data_batch_3' is corrupt: label 0 is 10, not a class index in \[0, 10\)/,
    );
    const bin = binaryRoot();
    const bytes = readFileSync(join(bin, 'cifar-10-batches-bin', 'test_batch.bin'));
    bytes[0] = 200;
    writeFileSync(join(bin, 'cifar-10-batches-bin', 'test_batch.bin'), bytes);
    expect(() => new CIFAR10(bin, { train: false })).toThrow(
      /test_batch.bin' is corrupt: label 0 is 200/,
    );
  });

  it('says where the files go when missing, and names truncated files', () => {
    const empty = mkdtempSync(join(tmpdir(), 'vision-cifar-'));
    expect(() => new CIFAR10(empty)).toThrow(DatasetError);
    expect(() => new CIFAR10(empty)).toThrow(
      /cifar-10-python.tar.gz \(md5 c58f30108f718f92721af3b95e74349a\)/,
    );
    const root = binaryRoot();
    writeFileSync(join(root, 'cifar-10-batches-bin', 'data_batch_2.bin'), Buffer.alloc(3000));
    expect(() => new CIFAR10(root)).toThrow(/data_batch_2.bin' is truncated or corrupt/);
    const py = pythonRoot();
    writeFileSync(
      join(py, 'cifar-10-batches-py', 'data_batch_3'),
      py2Batch([1], [1]).subarray(0, 200),
    );
    expect(() => new CIFAR10(py)).toThrow(/data_batch_3': truncated pickle/);
  });
});

describe('unpickle', () => {
  it('refuses globals it does not know instead of running them', () => {
    const evil = Buffer.from('\x80\x02cos\nsystem\nU\x02ls\x85R.', 'latin1');
    expect(() => unpickle(evil)).toThrow(/refusing to load global os.system/);
  });

  it('keeps shared and self-referring lists shared: a memo bomb, a list in itself', () => {
    // L0 = []; Li = [L(i-1), L(i-1)] for i up to 16, memoized: 65,536 copies if each is copied (a
    // regression fails on identity here, where 60 levels would hang).
    const ops = ['\x80\x02]q\x00'];
    for (let i = 1; i <= 16; i++)
      ops.push(
        `](h${String.fromCharCode(i - 1)}h${String.fromCharCode(i - 1)}eq${String.fromCharCode(i)}`,
      );
    const bomb = Buffer.from(`${ops.join('')}.`, 'latin1');
    expect(bomb.length).toBeLessThan(160);
    const top = unpickle(bomb) as unknown[];
    expect(top).toHaveLength(2);
    expect(top[0]).toBe(top[1]);
    // A list appended to itself (memo get, APPEND) comes back holding itself.
    const self = unpickle(Buffer.from('\x80\x02]q\x00h\x00a.', 'latin1')) as unknown[];
    expect(self[0]).toBe(self);
  });
});
