import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerSpec } from '@tensile/data';
import { type Tensor, ValueError } from '@tensile/tensor';
import { DatasetError } from '../errors';
import type { Image } from '../image';
import { fromTyped } from '../tensor-util';
import { downloadUrl, manualHint } from './download';
import { checkIntegrity } from './files';
import { readMat } from './mat';
import { VisionDataset, type VisionDatasetOptions } from './vision-dataset';

export type SVHNSplit = 'train' | 'test' | 'extra';

const SPLITS: Record<SVHNSplit, [string, string, string]> = {
  train: [
    'http://ufldl.stanford.edu/housenumbers/train_32x32.mat',
    'train_32x32.mat',
    'e26dedcc434d2e4c54c9b2d4a06d8373',
  ],
  test: [
    'http://ufldl.stanford.edu/housenumbers/test_32x32.mat',
    'test_32x32.mat',
    'eb5a983be6a315427106f1b164d9cef3',
  ],
  extra: [
    'http://ufldl.stanford.edu/housenumbers/extra_32x32.mat',
    'extra_32x32.mat',
    'a93ce644f1a588dc4d68dda5feec44a7',
  ],
};

export interface SVHNOptions<S, T> extends VisionDatasetOptions<S, T> {
  /** train (default), test or extra. */
  split?: SVHNSplit;
  /** Fetch the .mat file if missing; needs the async `create()`. */
  download?: boolean;
  /** Arrays already read: how DataLoader workers get the parent's (shared, not copied). */
  loaded?: { data: Tensor; labels: Tensor };
}

function checkSplit(split: string): SVHNSplit {
  if (!(split in SPLITS))
    throw new ValueError(
      `SVHN: unknown value '${split}' for argument split. Valid values are train, test, extra.`,
    );
  return split as SVHNSplit;
}

/**
 * Street View House Numbers, cropped digits, from `root/<split>_32x32.mat` (MATLAB 5 files).
 * `data` is uint8 [N, 3, 32, 32], `labels` int64 [N] with digit 0 labelled 0 (the files say 10).
 */
export class SVHN<S = Image, T = number> extends VisionDataset<S, T, Image, number> {
  readonly split: SVHNSplit;
  readonly data: Tensor;
  readonly labels: Tensor;
  readonly classes = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
  private readonly pixels: Uint8Array;
  private readonly targetList: Float64Array;

  constructor(root: string, opts: SVHNOptions<S, T> = {}) {
    super(root, opts);
    this.split = checkSplit(opts.split ?? 'train');
    [this.data, this.labels] = opts.loaded
      ? [opts.loaded.data, opts.loaded.labels]
      : this.read(opts.download ?? false);
    this.pixels = this.data.contiguous().dataSync() as Uint8Array;
    this.targetList = this.labels.dataSync() as Float64Array;
  }

  /** Downloads the split's .mat if needed (with `download: true`), then loads it. */
  static async create<S = Image, T = number>(
    root: string,
    opts: SVHNOptions<S, T> = {},
  ): Promise<SVHN<S, T>> {
    const [url, filename, md5] = SPLITS[checkSplit(opts.split ?? 'train')];
    if (opts.download) await downloadUrl(url, root, { filename, md5 });
    return new SVHN(root, { ...opts, download: false });
  }

  get targets(): number[] {
    return Array.from(this.targetList);
  }

  private read(download: boolean): [Tensor, Tensor] {
    const [url, filename, md5] = SPLITS[this.split];
    const path = join(this.root, filename);
    if (!checkIntegrity(path)) {
      const how = download
        ? 'download: true needs the async factory (await SVHN.create(...)). '
        : '';
      throw new DatasetError(
        `SVHN: dataset not found at ${path}. ${how}Use SVHN.create() with download: true to download it.\n${manualHint(this.root, [{ filename, md5, urls: [url] }])}`,
      );
    }
    const mat = readMat(readFileSync(path), `'${path}'`);
    const x = mat.get('X');
    const y = mat.get('y');
    if (
      !x ||
      !y ||
      x.dims.length !== 4 ||
      x.dims[0] !== 32 ||
      x.dims[1] !== 32 ||
      x.dims[2] !== 3 ||
      y.data.length !== x.dims[3]
    ) {
      throw new DatasetError(
        `'${path}' is not an SVHN file: expected X of [32, 32, 3, N] and y of N labels`,
      );
    }
    const n = x.dims[3];
    // X is column-major [32, 32, 3, N]: X[h, w, c, k] sits at h + 32 w + 1024 c + 3072 k.
    const planes = new Uint8Array(n * 3072);
    for (let k = 0; k < n; k++) {
      for (let c = 0; c < 3; c++) {
        for (let h = 0; h < 32; h++)
          for (let w = 0; w < 32; w++)
            planes[k * 3072 + c * 1024 + h * 32 + w] = x.data[h + 32 * w + 1024 * c + 3072 * k];
      }
    }
    const labels = Float64Array.from(y.data, (v) => (v === 10 ? 0 : v));
    return [fromTyped(planes, 'uint8', [n, 3, 32, 32]), fromTyped(labels, 'int64', [n])];
  }

  get length(): number {
    return this.targetList.length;
  }

  protected rawItem(index: number): [Image, number] {
    const src = this.pixels.subarray(index * 3072, (index + 1) * 3072);
    const data = new Uint8Array(3072);
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) data[p * 3 + c] = src[c * 1024 + p];
    return [{ width: 32, height: 32, channels: 3, data }, this.targetList[index]];
  }

  override workerSpec(): WorkerSpec {
    const opts = {
      ...this.transformOptions(),
      split: this.split,
      loaded: { data: this.data, labels: this.labels },
    };
    return { module: import.meta.url, export: 'SVHN', args: [this.root, opts] };
  }
}
