import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerSpec } from '@tensile/data';
import type { Tensor } from '@tensile/tensor';
import { DatasetError } from '../errors';
import type { Image } from '../image';
import { fromTyped } from '../tensor-util';
import { extractTar, writeEntries } from './archive';
import { downloadUrl, manualHint } from './download';
import { checkIntegrity, readMaybeGzip } from './files';
import { type NdArray, pyString, unpickle } from './pickle';
import { VisionDataset, type VisionDatasetOptions } from './vision-dataset';

export interface CIFAROptions<S = Image, T = number> extends VisionDatasetOptions<S, T> {
  train?: boolean;
  /** Fetch the python release if missing; needs the async `create()`. */
  download?: boolean;
  /** Data already read: how DataLoader workers get the parent's (shared, not copied). */
  loaded?: { data: Tensor; targets: number[]; classes: string[] };
}

const PIXELS = 3 * 32 * 32;

/** The two releases' layouts: the python pickles (torchvision's) and the binary .bin files. */
export interface CIFARRelease {
  python: {
    folder: string;
    train: string[];
    test: string[];
    meta: string;
    labelsKey: string;
    namesKey: string;
  };
  binary: {
    folder: string;
    train: string[];
    test: string[];
    names: string;
    labelBytes: number;
    labelOffset: number;
  };
  url: string;
  filename: string;
  md5: string;
}

const CIFAR10_FILES: CIFARRelease = {
  python: {
    folder: 'cifar-10-batches-py',
    train: ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5'],
    test: ['test_batch'],
    meta: 'batches.meta',
    labelsKey: 'labels',
    namesKey: 'label_names',
  },
  binary: {
    folder: 'cifar-10-batches-bin',
    train: [
      'data_batch_1.bin',
      'data_batch_2.bin',
      'data_batch_3.bin',
      'data_batch_4.bin',
      'data_batch_5.bin',
    ],
    test: ['test_batch.bin'],
    names: 'batches.meta.txt',
    labelBytes: 1,
    labelOffset: 0,
  },
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz',
  filename: 'cifar-10-python.tar.gz',
  md5: 'c58f30108f718f92721af3b95e74349a',
};

const CIFAR100_FILES: CIFARRelease = {
  python: {
    folder: 'cifar-100-python',
    train: ['train'],
    test: ['test'],
    meta: 'meta',
    labelsKey: 'fine_labels',
    namesKey: 'fine_label_names',
  },
  // Each record is <coarse label> <fine label> <pixels>; targets are the fine labels, as torchvision.
  binary: {
    folder: 'cifar-100-binary',
    train: ['train.bin'],
    test: ['test.bin'],
    names: 'fine_label_names.txt',
    labelBytes: 2,
    labelOffset: 1,
  },
  url: 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz',
  filename: 'cifar-100-python.tar.gz',
  md5: 'eb9058c3a382ffc7106e4002c42a8d85',
};

interface Loaded {
  pixels: Uint8Array; // [N, 3, 32, 32] as stored
  targets: number[];
  classes: string[];
}

function readPickle(path: string): Map<string, unknown> {
  const obj = unpickle(readFileSync(path), `'${path}'`);
  if (!(obj instanceof Map)) throw new DatasetError(`'${path}' does not hold a dict`);
  return obj;
}

/** Throws unless every label of `path` is a class index (a corrupt file had been read as is). */
function checkLabels(labels: readonly unknown[], classes: number, path: string): void {
  const bad = labels.findIndex(
    (t) => !(Number.isInteger(t) && (t as number) >= 0 && (t as number) < classes),
  );
  if (bad >= 0)
    throw new DatasetError(
      `'${path}' is corrupt: label ${bad} is ${String(labels[bad])}, not a class index in [0, ${classes})`,
    );
}

/**
 * A batch's rows in C order. numpy reads a Fortran-ordered array in its logical (C) order
 * when torchvision reshapes it, so its bytes are transposed here rather than read as stored.
 */
function rowMajor(data: NdArray): Uint8Array {
  if (!data.fortranOrder) return data.data;
  const [rows, cols] = data.shape;
  const out = new Uint8Array(data.data.length);
  for (let j = 0; j < cols; j++)
    for (let i = 0; i < rows; i++) out[i * cols + j] = data.data[j * rows + i];
  return out;
}

function loadPython(dir: string, r: CIFARRelease['python'], train: boolean): Loaded {
  const meta = readPickle(join(dir, r.meta)).get(r.namesKey) as unknown[] | undefined;
  if (!meta) throw new DatasetError(`'${join(dir, r.meta)}' has no '${r.namesKey}'`);
  const chunks: Uint8Array[] = [];
  const targets: number[] = [];
  for (const name of train ? r.train : r.test) {
    const path = join(dir, name);
    const entry = readPickle(path);
    const data = entry.get('data') as NdArray | undefined;
    const labels = (entry.get(r.labelsKey) ?? entry.get('labels')) as number[] | undefined;
    const n = Array.isArray(labels) ? labels.length : -1;
    const shaped = data?.shape?.length === 2 && data.shape[0] === n && data.shape[1] === PIXELS;
    if (!data || !labels || data.dtype !== '|u1' || !shaped || data.data.length !== n * PIXELS) {
      throw new DatasetError(
        `'${path}' is not a CIFAR batch: expected 'data' (uint8 [N, 3072]) and '${r.labelsKey}' of N labels`,
      );
    }
    checkLabels(labels, meta.length, path);
    chunks.push(rowMajor(data));
    targets.push(...labels);
  }
  return { pixels: Buffer.concat(chunks), targets, classes: meta.map(pyString) };
}

function loadBinary(dir: string, r: CIFARRelease['binary'], train: boolean): Loaded {
  const record = r.labelBytes + PIXELS;
  const classes = readFileSync(join(dir, r.names), 'utf8')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  const chunks: Uint8Array[] = [];
  const targets: number[] = [];
  for (const name of train ? r.train : r.test) {
    const path = join(dir, name);
    const bytes = readFileSync(path);
    if (bytes.length % record !== 0) {
      throw new DatasetError(
        `'${path}' is truncated or corrupt: ${bytes.length} bytes is not a whole number of ${record}-byte records`,
      );
    }
    const labels: number[] = [];
    for (let off = 0; off < bytes.length; off += record) {
      labels.push(bytes[off + r.labelOffset]);
      chunks.push(bytes.subarray(off + r.labelBytes, off + record));
    }
    checkLabels(labels, classes.length, path);
    targets.push(...labels);
  }
  return { pixels: Buffer.concat(chunks), targets, classes };
}

/** [N, 3, 32, 32] planes to [N, 32, 32, 3] (torchvision's `data` is HWC). */
function toHwc(pixels: Uint8Array): Uint8Array {
  const n = pixels.length / PIXELS;
  const out = new Uint8Array(pixels.length);
  for (let k = 0; k < n; k++) {
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < 1024; p++)
        out[k * PIXELS + p * 3 + c] = pixels[k * PIXELS + c * 1024 + p];
  }
  return out;
}

/**
 * CIFAR-10 from `root/cifar-10-batches-py` (the python release, as torchvision) or
 * `root/cifar-10-batches-bin` (the binary release). `get(i)` is [Image 32x32 RGB, label];
 * `data` is uint8 [N, 32, 32, 3], `targets` a list of labels.
 */
export class CIFAR10<S = Image, T = number> extends VisionDataset<S, T, Image, number> {
  /** Where the files are and where they come from. */
  static readonly release: CIFARRelease = CIFAR10_FILES;
  readonly train: boolean;
  readonly data: Tensor;
  readonly targets: number[];
  readonly classes: string[];
  private readonly pixels: Uint8Array;

  constructor(root: string, opts: CIFAROptions<S, T> = {}) {
    super(root, opts);
    this.train = opts.train ?? true;
    const loaded = opts.loaded ?? this.toLoaded(this.read(opts.download ?? false));
    this.data = loaded.data;
    this.targets = loaded.targets;
    this.classes = loaded.classes;
    this.pixels = this.data.contiguous().dataSync() as Uint8Array;
  }

  private get release(): CIFARRelease {
    return (this.constructor as typeof CIFAR10).release;
  }

  private read(download: boolean): Loaded {
    const r = this.release;
    const py = join(this.root, r.python.folder);
    const bin = join(this.root, r.binary.folder);
    if ([...r.python.train, ...r.python.test, r.python.meta].every((f) => existsSync(join(py, f))))
      return loadPython(py, r.python, this.train);
    if (
      [...r.binary.train, ...r.binary.test, r.binary.names].every((f) => existsSync(join(bin, f)))
    )
      return loadBinary(bin, r.binary, this.train);
    const name = this.constructor.name;
    const how = download
      ? `download: true needs the async factory (await ${name}.create(...)). `
      : '';
    throw new DatasetError(
      `${name}: dataset not found in ${py} (python release) or ${bin} (binary release). ${how}Use ${name}.create() with download: true to download it.\n` +
        `${manualHint(this.root, [{ filename: r.filename, md5: r.md5, urls: [r.url] }])}\nand extract it there.`,
    );
  }

  private toLoaded(l: Loaded): { data: Tensor; targets: number[]; classes: string[] } {
    return {
      data: fromTyped(toHwc(l.pixels), 'uint8', [l.targets.length, 32, 32, 3]),
      targets: l.targets,
      classes: l.classes,
    };
  }

  /** Downloads and extracts the python release if needed (with `download: true`), then loads. */
  static async create<S = Image, T = number>(
    this: (new (
      root: string,
      opts: CIFAROptions<never, never>,
    ) => CIFAR10<unknown, unknown>) & { readonly release: CIFARRelease },
    root: string,
    opts: CIFAROptions<S, T> = {},
  ): Promise<CIFAR10<S, T>> {
    // biome-ignore lint/complexity/noThisInStatic: polymorphic: CIFAR100 inherits it
    if (opts.download) await downloadRelease(this.release, root);
    return new this(root, { ...opts, download: false } as CIFAROptions<never, never>) as CIFAR10<
      S,
      T
    >;
  }

  get classToIdx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  get length(): number {
    return this.targets.length;
  }

  protected rawItem(index: number): [Image, number] {
    const data = this.pixels.slice(index * PIXELS, (index + 1) * PIXELS);
    return [{ width: 32, height: 32, channels: 3, data }, this.targets[index]];
  }

  override workerSpec(): WorkerSpec {
    const loaded = { data: this.data, targets: this.targets, classes: this.classes };
    return {
      module: import.meta.url,
      export: this.constructor.name,
      args: [this.root, { ...this.transformOptions(), train: this.train, loaded }],
    };
  }
}

/** CIFAR-100 (fine labels), from `root/cifar-100-python` or `root/cifar-100-binary`. */
export class CIFAR100<S = Image, T = number> extends CIFAR10<S, T> {
  static override readonly release: CIFARRelease = CIFAR100_FILES;
}

async function downloadRelease(r: CIFARRelease, root: string): Promise<void> {
  const dir = join(root, r.python.folder);
  if (
    [...r.python.train, ...r.python.test, r.python.meta].every((f) => checkIntegrity(join(dir, f)))
  )
    return;
  const archive = await downloadUrl(r.url, root, { filename: r.filename, md5: r.md5 });
  writeEntries(extractTar(readMaybeGzip(archive), `'${archive}'`), root);
}
