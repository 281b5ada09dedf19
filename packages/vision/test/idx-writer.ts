import { gzipSync } from 'node:zlib';

/** IDX bytes (uint8) of the given shape, as the MNIST files store them. */
export function idxBytes(shape: number[], values: Uint8Array): Uint8Array {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = 0x08;
  header[3] = shape.length;
  for (const [i, d] of shape.entries()) header.writeUInt32BE(d, 4 + 4 * i);
  return Buffer.concat([header, values]);
}

/** n fake 28x28 digits whose pixels encode their index, and labels i % 10. */
export function fakeMnist(n: number, h = 28, w = 28): { images: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(n * h * w);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < h * w; p++) pixels[i * h * w + p] = (i * 7 + p) % 256;
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { images: idxBytes([n, h, w], pixels), labels: idxBytes([n], labels) };
}

export const gzip = (b: Uint8Array) => gzipSync(b);
