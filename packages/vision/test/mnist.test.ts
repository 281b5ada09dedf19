import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataLoader } from '@tensile/data';
import type { Tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import {
  Compose,
  DatasetError,
  EMNIST,
  FashionMNIST,
  type Image,
  KMNIST,
  MNIST,
  Normalize,
  ToTensor,
} from '../src';
import { loadFixture } from './helpers';
import { fakeMnist, gzip, idxBytes } from './idx-writer';

function makeRoot(folder: string, n: number, opts: { gz?: boolean; prefix?: string } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'vision-mnist-'));
  const raw = join(root, folder, 'raw');
  mkdirSync(raw, { recursive: true });
  const { images, labels } = fakeMnist(n);
  const ext = opts.gz ? '.gz' : '';
  const put = (name: string, bytes: Uint8Array) =>
    writeFileSync(join(raw, name + ext), opts.gz ? gzip(bytes) : bytes);
  const prefix = opts.prefix ?? 'train';
  put(`${prefix}-images-idx3-ubyte`, images);
  put(`${prefix}-labels-idx1-ubyte`, labels);
  return root;
}

describe('MNIST', () => {
  it('reads raw IDX files: Image samples, uint8 data, int64 targets, classes', () => {
    const ds = new MNIST(makeRoot('MNIST', 12));
    expect(ds.length).toBe(12);
    expect(ds.data.shape).toEqual([12, 28, 28]);
    expect(ds.data.dtype).toBe('uint8');
    expect(ds.targets.dtype).toBe('int64');
    expect(ds.classes[3]).toBe('3 - three');
    expect(ds.classToIdx['7 - seven']).toBe(7);
    const [img, label] = ds.get(5);
    expect(label).toBe(5);
    expect(img).toMatchObject({ width: 28, height: 28, channels: 1 });
    expect((img as Image).data[3]).toBe((5 * 7 + 3) % 256);
    expect(ds.get(-1)[1]).toBe(1);
    expect(() => ds.get(12)).toThrow(/index 12 is out of range/);
  });

  it('reads gzipped files and the test split', () => {
    const ds = new MNIST(makeRoot('MNIST', 4, { gz: true, prefix: 't10k' }), { train: false });
    expect(ds.train).toBe(false);
    expect(ds.length).toBe(4);
  });

  it('applies transform and targetTransform', () => {
    const ds = new MNIST(makeRoot('MNIST', 3), {
      transform: new Compose([new ToTensor(), new Normalize([0.5], [0.5])]),
      targetTransform: (t: number) => t * 10,
    });
    const [x, y] = ds.get(2) as [Tensor, number];
    expect(x.shape).toEqual([1, 28, 28]);
    expect(x.dtype).toBe('float32');
    expect(x.dataSync()[0]).toBeCloseTo((14 / 255 - 0.5) / 0.5, 6);
    expect(y).toBe(20);
  });

  it('KMNIST and FashionMNIST use their own folders and classes', () => {
    expect(new KMNIST(makeRoot('KMNIST', 2)).classes[1]).toBe('ki');
    expect(new FashionMNIST(makeRoot('FashionMNIST', 2)).classes[9]).toBe('Ankle boot');
  });

  it('EMNIST reads its split files and classes', () => {
    const root = makeRoot('EMNIST', 3, { prefix: 'emnist-letters-train' });
    const ds = new EMNIST(root, 'letters');
    expect(ds.length).toBe(3);
    expect(ds.classes.slice(0, 3)).toEqual(['N/A', 'a', 'b']);
    expect(new EMNIST(root, 'letters').split).toBe('letters');
    expect(() => new EMNIST(root, 'bogus' as 'letters')).toThrow(/Valid values are byclass/);
    expect(() => new EMNIST(root, 'digits')).toThrow(DatasetError);
  });

  it('says where to put the files when they are missing', () => {
    const root = mkdtempSync(join(tmpdir(), 'vision-mnist-'));
    expect(() => new MNIST(root)).toThrow(DatasetError);
    expect(() => new MNIST(root)).toThrow(
      /MNIST\/raw.*\n[\s\S]*train-images-idx3-ubyte.gz \(md5 f68b3c2dcbeaaa9fbdd348bbdeb94873\) from http/,
    );
    expect(() => new MNIST(root, { download: true })).toThrow(/await MNIST.create/);
  });

  it('names the file when it is truncated or corrupt', () => {
    const root = makeRoot('MNIST', 3);
    const raw = join(root, 'MNIST', 'raw');
    const { images } = fakeMnist(3);
    writeFileSync(join(raw, 'train-images-idx3-ubyte'), images.subarray(0, images.length - 10));
    expect(() => new MNIST(root)).toThrow(
      /train-images-idx3-ubyte' is truncated: an IDX array of shape \[3, 28, 28\] needs 2368 bytes, the file has 2358/,
    );
    writeFileSync(join(raw, 'train-images-idx3-ubyte'), Buffer.from('garbage!'));
    expect(() => new MNIST(root)).toThrow(/is not an IDX file/);
    writeFileSync(
      join(raw, 'train-images-idx3-ubyte'),
      idxBytes([2, 28, 28], new Uint8Array(2 * 784)),
    );
    expect(() => new MNIST(root)).toThrow(/has 2 images but .* has 3 labels/);
  });

  it('names a corrupt gzip file', () => {
    const root = makeRoot('MNIST', 3, { gz: true });
    const raw = join(root, 'MNIST', 'raw');
    const { images } = fakeMnist(3);
    writeFileSync(join(raw, 'train-images-idx3-ubyte.gz'), gzip(images).subarray(0, 40));
    expect(existsSync(join(raw, 'train-images-idx3-ubyte'))).toBe(false);
    expect(() => new MNIST(root)).toThrow(/cannot gunzip '.*train-images-idx3-ubyte.gz'/);
  });

  it('inflates a gzipped IDX file only as far as its header declares (issue 21)', () => {
    const root = makeRoot('MNIST', 3, { gz: true });
    const raw = join(root, 'MNIST', 'raw');
    // A header for 3 labels, then 64 MB of zeros: about 64 KB gzipped.
    const bomb = new Uint8Array(64 << 20);
    bomb.set(idxBytes([3], Uint8Array.of(1, 2, 3)));
    writeFileSync(join(raw, 'train-labels-idx1-ubyte.gz'), gzip(bomb));
    expect(() => new MNIST(root)).toThrow(
      /train-labels-idx1-ubyte.gz' inflates past the 11 bytes its header declares/,
    );
  });

  it('batches through a DataLoader with worker threads', async () => {
    const ds = new MNIST(makeRoot('MNIST', 10), { transform: new ToTensor() });
    const loader = new DataLoader(ds, { batchSize: 4, numWorkers: 2 });
    const labels: number[] = [];
    for await (const batch of loader) {
      const [x, y] = batch as unknown as [Tensor, Tensor];
      expect(x.shape.slice(1)).toEqual([1, 28, 28]);
      labels.push(...Array.from(y.dataSync()));
    }
    expect(labels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  }, 120_000); // worker threads start slowly on a busy machine
});

const FASHION = '/usr/share/datasets/fashion-mnist';
const stats = existsSync(new URL('./fixtures/datasets.json', import.meta.url))
  ? (loadFixture('datasets') as unknown as { fashionMnist: Record<string, FashionStats> })
      .fashionMnist
  : undefined;

interface FashionStats {
  length: number;
  items: { index: number; label: number; pixelSum: number }[];
  totalPixelSum: number;
  classCounts: number[];
}

describe.skipIf(!existsSync(FASHION) || !stats)(
  `FashionMNIST on Debian's real files (needs ${FASHION}, package dataset-fashion-mnist)`,
  () => {
    const root = mkdtempSync(join(tmpdir(), 'vision-fashion-'));
    mkdirSync(join(root, 'FashionMNIST'));
    // The gz files as they are: Tensile reads gzip directly.
    if (existsSync(FASHION)) symlinkSync(FASHION, join(root, 'FashionMNIST', 'raw'));
    for (const split of ['train', 'test'] as const) {
      it(`${split}: length, labels and pixel sums match torchvision`, () => {
        const want = stats![split];
        const ds = new FashionMNIST(root, { train: split === 'train' });
        expect(ds.length).toBe(want.length);
        for (const item of want.items) {
          const [img, label] = ds.get(item.index);
          expect(label).toBe(item.label);
          expect((img as Image).data.reduce((a, b) => a + b, 0)).toBe(item.pixelSum);
        }
        expect(ds.data.to('float64').sum().item()).toBe(want.totalPixelSum);
        const counts = new Array(10).fill(0);
        for (const t of ds.targets.dataSync()) counts[t]++;
        expect(counts).toEqual(want.classCounts);
      }, 120_000); // 60,000 images
    }
  },
);
