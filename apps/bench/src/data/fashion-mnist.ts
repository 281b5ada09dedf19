import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Where Debian-style images keep the Fashion-MNIST IDX files (gzipped). */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
const MEAN = 0.286;
const STD = 0.353;

export interface Split {
  /** [n, 1, 28, 28] row-major, scaled to [0, 1] then normalized with W7's mean and std. */
  images: Float32Array;
  labels: Uint8Array;
  n: number;
}

/** Why Fashion-MNIST cannot be read, or null when it can. */
export function missingFashionMnist(): string | null {
  const files = ['train-images-idx3-ubyte.gz', 't10k-images-idx3-ubyte.gz'];
  const absent = files.filter((f) => !existsSync(join(FASHION_MNIST_DIR, f)));
  return absent.length ? `${absent.join(', ')} not found in ${FASHION_MNIST_DIR}` : null;
}

/** An IDX file's payload after its header: magic, then one big-endian uint32 per dimension. */
function idx(file: string): Uint8Array {
  const bytes = gunzipSync(readFileSync(join(FASHION_MNIST_DIR, file)));
  const dims = bytes[3];
  return bytes.subarray(4 + 4 * dims);
}

/** One split, preprocessed once up front as ToTensor + Normalize would per sample. */
export function loadSplit(split: 'train' | 't10k'): Split {
  const pixels = idx(`${split}-images-idx3-ubyte.gz`);
  const labels = idx(`${split}-labels-idx1-ubyte.gz`);
  const images = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) images[i] = (pixels[i] / 255 - MEAN) / STD;
  return { images, labels, n: labels.length };
}
