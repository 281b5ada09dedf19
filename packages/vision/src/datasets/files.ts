import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DatasetError } from '../errors';

/** md5 of a file as hex (torchvision's calculate_md5). */
export function calculateMd5(path: string): string {
  return createHash('md5').update(readFileSync(path)).digest('hex');
}

/** The file exists (and has `md5`, when given). */
export function checkIntegrity(path: string, md5?: string): boolean {
  if (!existsSync(path) || !statSync(path).isFile()) return false;
  return md5 === undefined || calculateMd5(path) === md5;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A file's bytes, gunzipped when it is gzip; a corrupt archive names the file. */
export function readMaybeGzip(path: string): Uint8Array {
  const bytes = readFileSync(path);
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new DatasetError(
      `cannot gunzip '${path}' (corrupt or truncated download?): ${(e as Error).message}`,
    );
  }
}

/** The first of `candidates` that exists, or undefined. */
export function firstExisting(candidates: readonly string[]): string | undefined {
  return candidates.find((p) => existsSync(p));
}
