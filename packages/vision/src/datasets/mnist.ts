import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { WorkerSpec } from '@tensile/data';
import { type Tensor, ValueError } from '@tensile/tensor';
import { DatasetError } from '../errors';
import type { Image } from '../image';
import { fromTyped } from '../tensor-util';
import { extractZip } from './archive';
import { downloadResources, downloadUrl, manualHint, type Resource } from './download';
import { firstExisting, readMaybeGzip } from './files';
import { type IdxArray, readIdx } from './idx';
import { VisionDataset, type VisionDatasetOptions } from './vision-dataset';

export interface MNISTOptions<S = Image, T = number> extends VisionDatasetOptions<S, T> {
  /** The training set (default) or the test set. */
  train?: boolean;
  /** Fetch missing files; needs the async `create()` (constructors cannot wait for the network). */
  download?: boolean;
  /** Arrays already read: how DataLoader workers get the parent's data (shared, not copied). */
  loaded?: { data: Tensor; targets: Tensor };
}

/** Where an IDX dataset lives and what it is called, for loading and for error messages. */
interface IdxLayout {
  folder: string;
  images: string;
  labels: string;
  classes: readonly string[];
  resources: Resource[];
}

function readChecked(path: string, ndim: number, what: string): IdxArray {
  const a = readIdx(path);
  if (a.dtype !== 'uint8' || a.shape.length !== ndim) {
    throw new DatasetError(
      `'${path}' should hold uint8 ${what}, got ${a.dtype} [${a.shape.join(', ')}]`,
    );
  }
  return a;
}

/**
 * The MNIST family: uint8 images and labels in IDX files (gzipped or not) in
 * `root/<folder>/raw`. `get(i)` is [image, label] with the image an `Image` (1 channel)
 * before `transform`; `data` is uint8 [N, H, W], `targets` int64 [N].
 */
export abstract class IdxImageDataset<S = Image, T = number> extends VisionDataset<
  S,
  T,
  Image,
  number
> {
  readonly train: boolean;
  readonly data: Tensor;
  readonly targets: Tensor;
  readonly classes: readonly string[];
  readonly rawFolder: string;
  private readonly pixels: Uint8Array;
  private readonly labels: Float64Array;

  constructor(root: string, layout: IdxLayout, opts: MNISTOptions<S, T>) {
    super(root, opts);
    this.train = opts.train ?? true;
    this.classes = layout.classes;
    this.rawFolder = join(root, layout.folder, 'raw');
    [this.data, this.targets] = opts.loaded
      ? [opts.loaded.data, opts.loaded.targets]
      : this.load(layout, opts.download ?? false);
    this.pixels = this.data.contiguous().dataSync() as Uint8Array;
    this.labels = this.targets.dataSync() as Float64Array;
  }

  private load(layout: IdxLayout, download: boolean): [Tensor, Tensor] {
    const find = (n: string) =>
      firstExisting([join(this.rawFolder, n), join(this.rawFolder, `${n}.gz`)]);
    const [imagesPath, labelsPath] = [find(layout.images), find(layout.labels)];
    const name = this.constructor.name;
    if (!imagesPath || !labelsPath) {
      const how = download
        ? `download: true needs the async factory (await ${name}.create(...)): constructors cannot wait for the network. `
        : '';
      throw new DatasetError(
        `${name}: dataset not found in ${this.rawFolder} (looked for ${layout.images} and ${layout.labels}, gzipped or not). ${how}Use ${name}.create() with download: true to download it.\n${manualHint(this.rawFolder, layout.resources)}`,
      );
    }
    const images = readChecked(imagesPath, 3, 'images [N, H, W]');
    const labels = readChecked(labelsPath, 1, 'labels [N]');
    if (images.shape[0] !== labels.shape[0]) {
      throw new DatasetError(
        `${name}: '${imagesPath}' has ${images.shape[0]} images but '${labelsPath}' has ${labels.shape[0]} labels`,
      );
    }
    return [
      fromTyped(images.data, 'uint8', images.shape),
      fromTyped(Float64Array.from(labels.data), 'int64', labels.shape),
    ];
  }

  get classToIdx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  get length(): number {
    return this.labels.length;
  }

  protected rawItem(index: number): [Image, number] {
    const [, h, w] = this.data.shape;
    const data = this.pixels.slice(index * h * w, (index + 1) * h * w);
    return [{ width: w, height: h, channels: 1, data }, this.labels[index]];
  }

  /** The options that rebuild this dataset in a worker, with the arrays already read. */
  protected workerOptions(): MNISTOptions<S, T> {
    return {
      ...this.transformOptions(),
      train: this.train,
      loaded: { data: this.data, targets: this.targets },
    };
  }
}

function mirrored(cls: FamilyClass): Resource[] {
  return cls.resources.map(([filename, md5]) => ({
    filename,
    md5,
    urls: cls.mirrors.map((m) => m + filename),
  }));
}

/** What create() needs of the class it is called on (MNIST or a subclass). */
type FamilyClass = (new (
  root: string,
  opts: MNISTOptions<never, never>,
) => IdxImageDataset<unknown, unknown>) &
  Pick<typeof MNIST, 'folder' | 'mirrors' | 'resources'>;

async function downloadFamily(cls: FamilyClass, root: string): Promise<void> {
  const raw = join(root, cls.folder, 'raw');
  const present = (r: Resource) =>
    firstExisting([join(raw, r.filename), join(raw, basename(r.filename, '.gz'))]);
  await downloadResources(
    cls.folder,
    raw,
    mirrored(cls).filter((r) => !present(r)),
  );
}

function splitFiles(train: boolean): { images: string; labels: string } {
  const prefix = train ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

/** MNIST handwritten digits, from `root/MNIST/raw` (torchvision's layout and mirrors). */
export class MNIST<S = Image, T = number> extends IdxImageDataset<S, T> {
  static readonly folder: string = 'MNIST';
  // torchvision's two mirrors, the https one first (the other serves plain http only); the
  // md5s guard either way.
  static readonly mirrors: readonly string[] = [
    'https://ossci-datasets.s3.amazonaws.com/mnist/',
    'http://yann.lecun.com/exdb/mnist/',
  ];
  static readonly resources: readonly (readonly [string, string])[] = [
    ['train-images-idx3-ubyte.gz', 'f68b3c2dcbeaaa9fbdd348bbdeb94873'],
    ['train-labels-idx1-ubyte.gz', 'd53e105ee54ea40749a09fcbcd1e9432'],
    ['t10k-images-idx3-ubyte.gz', '9fb629c4189551a2d022fa330f9573f3'],
    ['t10k-labels-idx1-ubyte.gz', 'ec29112dd5afa0611ce80d1b7f02629c'],
  ];
  static readonly classes: readonly string[] = [
    '0 - zero',
    '1 - one',
    '2 - two',
    '3 - three',
    '4 - four',
    '5 - five',
    '6 - six',
    '7 - seven',
    '8 - eight',
    '9 - nine',
  ];

  constructor(root: string, opts: MNISTOptions<S, T> = {}) {
    const cls = new.target as typeof MNIST;
    super(
      root,
      {
        folder: cls.folder,
        ...splitFiles(opts.train ?? true),
        classes: cls.classes,
        resources: cls.resourceList(),
      },
      opts,
    );
  }

  /** Downloads missing files (with `download: true`), then builds the dataset. */
  static async create<S = Image, T = number>(
    this: FamilyClass,
    root: string,
    opts: MNISTOptions<S, T> = {},
  ): Promise<MNIST<S, T>> {
    // biome-ignore lint/complexity/noThisInStatic: polymorphic: FashionMNIST and KMNIST inherit these statics
    if (opts.download) await downloadFamily(this, root);
    return new this(root, { ...opts, download: false } as MNISTOptions<never, never>) as MNIST<
      S,
      T
    >;
  }

  /** Fetches the missing raw files from the mirrors into `root/<folder>/raw`, md5-verified. */
  static async download(root: string): Promise<void> {
    // biome-ignore lint/complexity/noThisInStatic: polymorphic: FashionMNIST and KMNIST inherit these statics
    await downloadFamily(this, root);
  }

  static resourceList(): Resource[] {
    // biome-ignore lint/complexity/noThisInStatic: polymorphic: FashionMNIST and KMNIST inherit these statics
    return mirrored(this);
  }

  override workerSpec(): WorkerSpec {
    return {
      module: import.meta.url,
      export: (this.constructor as typeof MNIST).folder,
      args: [this.root, this.workerOptions()],
    };
  }
}

/** Zalando's Fashion-MNIST: 10 classes of clothing, MNIST's format and layout. */
export class FashionMNIST<S = Image, T = number> extends MNIST<S, T> {
  static override readonly folder: string = 'FashionMNIST';
  static override readonly mirrors: readonly string[] = [
    'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  ];
  static override readonly resources: readonly (readonly [string, string])[] = [
    ['train-images-idx3-ubyte.gz', '8d4fb7e6c68d591d4c3dfef9ec88bf0d'],
    ['train-labels-idx1-ubyte.gz', '25c81989df183df01b3e8a0aad5dffbe'],
    ['t10k-images-idx3-ubyte.gz', 'bef4ecab320f06d8554ea6380940ec79'],
    ['t10k-labels-idx1-ubyte.gz', 'bb300cfdad3c16e7a12a480ee83cd310'],
  ];
  static override readonly classes: readonly string[] = [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ];
}

/** Kuzushiji-MNIST: 10 classes of cursive Japanese characters. */
export class KMNIST<S = Image, T = number> extends MNIST<S, T> {
  static override readonly folder: string = 'KMNIST';
  static override readonly mirrors: readonly string[] = [
    'http://codh.rois.ac.jp/kmnist/dataset/kmnist/',
  ];
  static override readonly resources: readonly (readonly [string, string])[] = [
    ['train-images-idx3-ubyte.gz', 'bdb82020997e1d708af4cf47b453dcf7'],
    ['train-labels-idx1-ubyte.gz', 'e144d726b3acfaa3e44228e80efcd344'],
    ['t10k-images-idx3-ubyte.gz', '5c965bf0a639b31b8f53240b1b52f4d7'],
    ['t10k-labels-idx1-ubyte.gz', '7320c461ea6c1c855c0b718fb2a4b134'],
  ];
  static override readonly classes: readonly string[] = [
    'o',
    'ki',
    'su',
    'tsu',
    'na',
    'ha',
    'ma',
    'ya',
    're',
    'wo',
  ];
}

export type EMNISTSplit = 'byclass' | 'bymerge' | 'balanced' | 'letters' | 'digits' | 'mnist';

const DIGITS = [...'0123456789'];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];
const ALL = [...DIGITS, ...LETTERS.map((c) => c.toUpperCase()), ...LETTERS].sort();
const MERGED = new Set([...'cijklmopsuvwxyz']);

const EMNIST_CLASSES: Record<EMNISTSplit, readonly string[]> = {
  byclass: ALL,
  bymerge: ALL.filter((c) => !MERGED.has(c)),
  balanced: ALL.filter((c) => !MERGED.has(c)),
  letters: ['N/A', ...LETTERS],
  digits: DIGITS,
  mnist: DIGITS,
};

function checkSplit(split: string): EMNISTSplit {
  if (!(split in EMNIST_CLASSES)) {
    throw new ValueError(
      `EMNIST: unknown value '${split}' for argument split. Valid values are ${Object.keys(EMNIST_CLASSES).join(', ')}.`,
    );
  }
  return split as EMNISTSplit;
}

/**
 * EMNIST (`split`: byclass, bymerge, balanced, letters, digits, mnist) from
 * `root/EMNIST/raw/emnist-<split>-<train|test>-<images|labels>-idx?-ubyte[.gz]`.
 * Images are returned as stored in the files (transposed), as torchvision does.
 */
export class EMNIST<S = Image, T = number> extends IdxImageDataset<S, T> {
  /** torchvision's archive of every split's gzipped IDX files. */
  static readonly archive: Resource = {
    filename: 'gzip.zip',
    md5: '58c8d27c78d21e728a6bc7b3cc06412e',
    urls: ['https://www.itl.nist.gov/iaui/vip/cs_links/EMNIST/gzip.zip'],
  };

  constructor(
    root: string,
    readonly split: EMNISTSplit,
    opts: MNISTOptions<S, T> = {},
  ) {
    const prefix = `emnist-${checkSplit(split)}-${(opts.train ?? true) ? 'train' : 'test'}`;
    const files = { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
    super(
      root,
      { folder: 'EMNIST', ...files, classes: EMNIST_CLASSES[split], resources: [EMNIST.archive] },
      opts,
    );
  }

  /** Downloads gzip.zip if needed (with `download: true`), then builds the dataset. */
  static async create<S = Image, T = number>(
    root: string,
    split: EMNISTSplit,
    opts: MNISTOptions<S, T> = {},
  ): Promise<EMNIST<S, T>> {
    checkSplit(split);
    if (opts.download) await EMNIST.download(root);
    return new EMNIST(root, split, { ...opts, download: false });
  }

  /** Fetches gzip.zip (md5-verified) and extracts its .gz files into `root/EMNIST/raw`. */
  static async download(root: string): Promise<void> {
    const raw = join(root, 'EMNIST', 'raw');
    if (existsSync(raw) && readdirSync(raw).some((f) => f.startsWith('emnist-'))) return;
    mkdirSync(raw, { recursive: true });
    const { urls, filename, md5 } = EMNIST.archive;
    const zip = await downloadUrl(urls[0], raw, { filename, md5 });
    for (const entry of extractZip(readMaybeGzip(zip), zip)) {
      if (entry.name.endsWith('.gz')) writeFileSync(join(raw, basename(entry.name)), entry.data);
    }
  }

  override workerSpec(): WorkerSpec {
    return {
      module: import.meta.url,
      export: 'EMNIST',
      args: [this.root, this.split, this.workerOptions()],
    };
  }
}
