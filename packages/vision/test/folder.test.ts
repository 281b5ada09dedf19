import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataLoader } from '@tensile/data';
import { type Tensor, tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import {
  Compose,
  DatasetError,
  DatasetFolder,
  encodeJpeg,
  encodePng,
  FakeData,
  findClasses,
  type Image,
  ImageFolder,
  Resize,
  ToTensor,
} from '../src';

/** root/<class>/... with a PNG per entry; pixel values encode the class and the file. */
function makeTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'vision-folder-'));
  const png = (v: number, c = 3) =>
    encodePng(tensor(new Array(c * 4 * 6).fill(v), { dtype: 'uint8' }).reshape([c, 4, 6]));
  const put = (rel: string, bytes: Uint8Array | string) => {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, bytes);
  };
  put('dog/b.png', png(20));
  put('dog/a.PNG', png(10, 1));
  put('dog/sub/c.png', png(30, 4));
  put('dog/notes.txt', 'not an image');
  put(
    'cat/x.jpg',
    encodeJpeg(tensor(new Array(3 * 8 * 8).fill(128), { dtype: 'uint8' }).reshape([3, 8, 8])),
  );
  put('bird/y.png', png(50));
  return root;
}

describe('ImageFolder', () => {
  it('finds sorted classes and files, decodes PNG and JPEG as RGB', () => {
    const root = makeTree();
    const ds = new ImageFolder(root);
    expect(ds.classes).toEqual(['bird', 'cat', 'dog']);
    expect(ds.classToIdx).toEqual({ bird: 0, cat: 1, dog: 2 });
    expect(ds.imgs.map(([p, t]) => [p.slice(root.length + 1), t])).toEqual([
      ['bird/y.png', 0],
      ['cat/x.jpg', 1],
      ['dog/a.PNG', 2],
      ['dog/b.png', 2],
      ['dog/sub/c.png', 2],
    ]);
    expect(ds.targets).toEqual([0, 1, 2, 2, 2]);
    const [gray, t] = ds.get(2) as [Image, number];
    expect(t).toBe(2);
    expect([gray.channels, gray.data[0], gray.data[1]]).toEqual([3, 10, 10]); // gray became RGB
    const [rgba] = ds.get(4) as [Image, number];
    expect(rgba.channels).toBe(3); // alpha dropped
    const [jpeg] = ds.get(1) as [Image, number];
    expect(Math.abs(jpeg.data[0] - 128)).toBeLessThanOrEqual(2);
  });

  it('takes isValidFile, a custom loader and transforms', () => {
    const root = makeTree();
    const onePerClass = (p: string) => /(b\.png|x\.jpg|y\.png)$/.test(p);
    const ds = new ImageFolder(root, { isValidFile: onePerClass });
    expect(ds.samples.map(([p]) => p.slice(-5))).toEqual(['y.png', 'x.jpg', 'b.png']);
    expect(() => new ImageFolder(root, { isValidFile: (p) => p.endsWith('b.png') })).toThrow(
      /Found no valid file for the classes bird, cat/,
    );
    const sized = new ImageFolder(root, { transform: new Resize([2, 3]) });
    expect((sized.get(0)[0] as Image).width).toBe(3);
    const custom = new DatasetFolder(root, (p: string) => p.length, {
      isValidFile: onePerClass,
      targetTransform: (t: number) => -t,
    });
    expect(custom.get(2)).toEqual([custom.samples[2][0].length, -2]);
  });

  it('DatasetFolder with extensions, and the errors torchvision gives', () => {
    const root = makeTree();
    expect(() => new DatasetFolder(root, (p: string) => p, { extensions: ['.txt'] })).toThrow(
      /Found no valid file for the classes bird, cat. Supported extensions are: .txt/,
    );
    expect(() => new DatasetFolder(root, (p: string) => p)).toThrow(
      /Both extensions and isValidFile/,
    );
    const empty = mkdtempSync(join(tmpdir(), 'vision-folder-'));
    expect(() => findClasses(empty)).toThrow(DatasetError);
    expect(() => findClasses(empty)).toThrow(/Couldn't find any class folder/);
  });

  it('loads in DataLoader workers (default loader)', async () => {
    const root = makeTree();
    const transform = new Compose([new Resize([4, 6]), new ToTensor()]);
    const ds = new ImageFolder(root, {
      transform,
      isValidFile: (p) => /(b\.png|x\.jpg|y\.png)$/.test(p),
    });
    const loader = new DataLoader(ds, { batchSize: 3, numWorkers: 1 });
    const batches: [Tensor, Tensor][] = [];
    for await (const batch of loader) batches.push(batch as unknown as [Tensor, Tensor]);
    expect(batches).toHaveLength(1);
    expect(batches[0][0].shape).toEqual([3, 3, 4, 6]);
    expect(Array.from(batches[0][1].dataSync())).toEqual([0, 1, 2]);
    const folder = new DatasetFolder(root, (p: string) => p, { extensions: ['.png', '.jpg'] });
    expect(() => folder.workerSpec()).toThrow(/loader is a function/);
  });
});

describe('FakeData', () => {
  it('gives the same sample for an index every time, of the requested size', () => {
    const ds = new FakeData({ size: 5, imageSize: [3, 6, 4], numClasses: 3 });
    expect(ds.length).toBe(5);
    const [a, ta] = ds.get(2) as [Image, number];
    const [b, tb] = ds.get(2) as [Image, number];
    expect([a.width, a.height, a.channels]).toEqual([4, 6, 3]);
    expect(a.data).toEqual(b.data);
    expect(ta).toBe(tb);
    expect(ta).toBeGreaterThanOrEqual(0);
    expect(ta).toBeLessThan(3);
    expect(ds.get(3)[0]).not.toEqual(a);
    expect(new FakeData({ size: 5, randomOffset: 1, imageSize: [3, 6, 4] }).get(1)[0]).toEqual(a);
    expect(() => ds.get(5)).toThrow(/out of range/);
  });
});
