// Finding Fashion-MNIST and loading it, shared by the Fashion-MNIST examples (the main job and
// the MLP). The first of these that holds the four IDX files wins:
//   1. --data DIR (torchvision's layout DIR/FashionMNIST/raw, or the files directly in DIR)
//   2. $TENSILE_DATA, else ~/.cache/tensile/datasets (torchvision's layout)
//   3. Debian's dataset-fashion-mnist package: /usr/share/datasets/fashion-mnist
//   4. a download into 2. (skipped after a 3 s probe when the mirror cannot be reached)
//   5. the small sample shipped in apps/examples/data/fashion-mnist-sample
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataLoader } from '@tensile/data';
import type { Tensor } from '@tensile/tensor';
import { Compose, FashionMNIST, Normalize, ToTensor } from '@tensile/vision';
import { cacheDir } from './cache-dir';
import { UsageError } from './cli';

/** Mean and standard deviation of the training pixels in [0, 1] (the W7 recipe). */
export const MEAN = 0.286;
export const STD = 0.353;

export const SAMPLE_DIR = fileURLToPath(
  new URL('../../data/fashion-mnist-sample', import.meta.url),
);
const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';
const FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];
const PROBE_MS = 3000;

/** Where the data was found: `root` is a torchvision root (it has FashionMNIST/raw). */
export interface FashionMnistSource {
  root: string;
  /** Said to the user: the directory the files came from. */
  from: string;
  /** The shipped sample, not the full data set. */
  sample: boolean;
}

function holdsFiles(dir: string): boolean {
  return FILES.every((f) => existsSync(join(dir, f)) || existsSync(join(dir, `${f}.gz`)));
}

/**
 * A torchvision root for `dir`: `dir` itself in torchvision's layout, or for a directory that
 * holds the files directly (Debian's layout, the sample) a temporary root whose FashionMNIST/raw
 * links to it; undefined when the files are not there.
 */
function asRoot(dir: string): string | undefined {
  if (holdsFiles(join(dir, 'FashionMNIST', 'raw'))) return dir;
  if (!holdsFiles(dir)) return undefined;
  const root = mkdtempSync(join(tmpdir(), 'tensile-fashion-mnist-'));
  mkdirSync(join(root, 'FashionMNIST'));
  symlinkSync(resolve(dir), join(root, 'FashionMNIST', 'raw'), 'junction');
  // Removes the link, not the files it points to.
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  return root;
}

/** Downloads into `root` when the mirror answers within PROBE_MS; false (and why, on stderr) if not. */
async function tryDownload(root: string): Promise<boolean> {
  const url = FashionMNIST.resourceList()[0].urls[0];
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(PROBE_MS) });
  } catch {
    console.error(
      `Fashion-MNIST is not on this machine and ${new URL(url).host} cannot be reached.`,
    );
    return false;
  }
  try {
    await FashionMNIST.download(root);
    return true;
  } catch (e) {
    console.error(`Fashion-MNIST download failed: ${(e as Error).message}`);
    return false;
  }
}

/** Finds Fashion-MNIST (see the top of this file); a bad --data is a UsageError. */
export async function resolveFashionMnist(data?: string): Promise<FashionMnistSource> {
  if (data !== undefined) {
    if (!existsSync(data) || !statSync(data).isDirectory())
      throw new UsageError(`--data: no such directory '${data}'`);
    const root = asRoot(data);
    if (root === undefined) {
      throw new UsageError(
        `--data: no Fashion-MNIST in '${data}': expected ${FILES.join(', ')} (each .gz or not) in it or in its FashionMNIST/raw`,
      );
    }
    return { root, from: data, sample: realpathSync(data) === realpathSync(SAMPLE_DIR) };
  }
  for (const dir of [cacheDir(), DEBIAN_DIR]) {
    const root = asRoot(dir);
    if (root !== undefined) return { root, from: dir, sample: false };
  }
  if (await tryDownload(cacheDir())) return { root: cacheDir(), from: cacheDir(), sample: false };
  console.error(
    `Using the small sample shipped with the examples; for the full data set pass --data DIR or put the files in ${join(cacheDir(), 'FashionMNIST', 'raw')}.`,
  );
  return { root: asRoot(SAMPLE_DIR) as string, from: SAMPLE_DIR, sample: true };
}

export interface LoaderOptions {
  batchSize: number;
  numWorkers: number;
}

/**
 * The training set (shuffled each epoch) and the test set, as float32 [N, 1, 28, 28] batches
 * scaled to [0, 1] and normalized, with int64 labels.
 */
export function fashionMnistLoaders(root: string, { batchSize, numWorkers }: LoaderOptions) {
  const transform = new Compose<unknown, Tensor>([new ToTensor(), new Normalize([MEAN], [STD])]);
  const trainSet = new FashionMNIST<Tensor>(root, { train: true, transform });
  const testSet = new FashionMNIST<Tensor>(root, { train: false, transform });
  // Persistent workers are started once, not every epoch.
  const workers = { numWorkers, persistentWorkers: numWorkers > 0 };
  return {
    trainSet,
    testSet,
    classes: trainSet.classes,
    train: new DataLoader(trainSet, { batchSize, shuffle: true, ...workers }),
    test: new DataLoader(testSet, { batchSize, ...workers }),
  };
}
