import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { constants, gunzipSync, inflateSync } from 'node:zlib';
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

/** gzip (a .gz file) or zlib (a MAT file's compressed element) deflate streams. */
export type Deflated = 'gzip' | 'zlib';

const INFLATE = { gzip: gunzipSync, zlib: inflateSync };

/**
 * A deflate stream inflated, to at most `maxBytes` where given (a stream that would go
 * further is an error: a few hundred kilobytes of deflated zeros inflate to gigabytes);
 * `what` names the file.
 */
export function inflate(
  bytes: Uint8Array,
  what: string,
  opts: { format?: Deflated; maxBytes?: number } = {},
): Uint8Array {
  const { format = 'gzip', maxBytes } = opts;
  try {
    return INFLATE[format](
      bytes,
      maxBytes === undefined ? {} : { maxOutputLength: Math.max(maxBytes, 1) },
    );
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new DatasetError(
        `${what} inflates past the ${maxBytes} bytes its header declares (corrupt, or a decompression bomb)`,
      );
    const verb = format === 'gzip' ? 'gunzip' : 'inflate';
    throw new DatasetError(
      `cannot ${verb} ${what} (corrupt or truncated download?): ${(e as Error).message}`,
    );
  }
}

/**
 * At least the first `n` bytes of a deflate stream's content (fewer where it is shorter), from
 * a prefix of the compressed bytes: enough to read a header before deciding how far to inflate.
 */
export function inflateHead(bytes: Uint8Array, n: number, format: Deflated = 'gzip'): Uint8Array {
  for (let k = 256; ; k *= 4) {
    let out: Uint8Array;
    try {
      out = INFLATE[format](bytes.subarray(0, k), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      out = new Uint8Array(0); // damaged: the full inflate names the error
    }
    if (out.length >= n || k >= bytes.length) return out;
  }
}

/** A file's bytes, gunzipped when it is gzip; a corrupt archive names the file. */
export function readMaybeGzip(path: string): Uint8Array {
  const bytes = readFileSync(path);
  return isGzip(bytes) ? inflate(bytes, `'${path}'`) : bytes;
}

/** The first of `candidates` that exists, or undefined. */
export function firstExisting(candidates: readonly string[]): string | undefined {
  return candidates.find((p) => existsSync(p));
}
