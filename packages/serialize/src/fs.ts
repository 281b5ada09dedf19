import type { Tensor } from '@tensile/tensor';
import { SerializeError } from './errors';
import { decodeHeader, headerLength, tensorFromBytes } from './safetensors';
import { assemble, serializeParts } from './serialize';
import {
  decodeLegacyTorch,
  decodeTorch,
  encodeTorch,
  isLegacyTorch,
  isTorchZip,
} from './torch/format';

export interface SaveOptions {
  /**
   * 'safetensors' (the default), or 'torch': PyTorch's torch.save zip, which torch.load reads.
   * A path ending in .pt or .pth means 'torch' unless this says otherwise.
   */
  format?: 'safetensors' | 'torch';
}

/** torch.save's archive name for `path`: its file name without the extension, as PyTorch's. */
function archiveName(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? 'archive';
  return file.replace(/\.[^.]*$/, '').replace(/[^\w.-]/g, '_') || 'archive';
}

/** Bytes per read or write call: Node refuses single calls past 2 GiB. */
const CHUNK = 1 << 30;

/**
 * Writes `serialize(value)` to `path` atomically: into a temporary file in the same directory,
 * one tensor at a time, flushed to disk, then renamed over the target, so a crash leaves the old
 * file or the new one, never a partial one. Temporary files that a killed save left for this
 * path are removed first. Node only (the module loads `node:fs` when called).
 */
export async function save(value: unknown, path: string, opts: SaveOptions = {}): Promise<void> {
  const torch = (opts.format ?? (/\.pth?$/i.test(path) ? 'torch' : 'safetensors')) === 'torch';
  const parts = torch ? encodeTorch(value, archiveName(path)) : serializeParts(value);
  const { open, rename, rm } = await import('node:fs/promises');
  const { basename, dirname, join } = await import('node:path');
  const dir = dirname(path);
  await removeStaleTemps(dir, basename(path));
  const tmp = join(
    dir,
    `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`,
  );
  try {
    const file = await open(tmp, 'wx');
    try {
      for (const part of parts) {
        for (let at = 0; at < part.length; at += CHUNK)
          await file.write(part, at, Math.min(CHUNK, part.length - at));
      }
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await syncDirectory(dir);
}

/**
 * Removes `.name.<pid>.<random>.tmp` files in `dir` whose writing process is gone (a save
 * killed with SIGKILL, or a power loss); those of running processes are left alone.
 */
async function removeStaleTemps(dir: string, name: string): Promise<void> {
  const { readdir, rm } = await import('node:fs/promises');
  const { join } = await import('node:path');
  let found: string[];
  try {
    found = await readdir(dir);
  } catch {
    return; // the directory does not exist: open() will say so
  }
  const prefix = `.${name}.`;
  for (const f of found) {
    if (!f.startsWith(prefix) || !f.endsWith('.tmp')) continue;
    const pid = Number(f.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) await rm(join(dir, f), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // someone else's process
  }
}

/**
 * Reads a file written by `save` (or any safetensors file) and decodes it, one tensor at a time
 * (whole-file reads stop at 2 GiB); a torch.save file (the zip, or the legacy format before
 * PyTorch 1.6) is recognized by its first bytes and loads as torch.load(weights_only=True) would. Errors name the file.
 */
export async function load<T = unknown>(path: string): Promise<T> {
  const { open } = await import('node:fs/promises');
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const magic = new Uint8Array(4);
    await file.read(magic, 0, 4, 0);
    if (isTorchZip(magic) || isLegacyTorch(magic)) {
      // Read whole (a zip's directory is at its end); Node reads at most 2 GiB at once.
      if (size > 2 ** 31 - 1)
        throw new SerializeError(`${path}: torch.save files over 2 GiB are not supported yet`);
      const bytes = new Uint8Array(size);
      await file.read(bytes, 0, size, 0);
      return (isTorchZip(magic) ? decodeTorch : decodeLegacyTorch)(bytes, path) as T;
    }
    const read = async (position: number, length: number) => {
      const out = new Uint8Array(length);
      for (let at = 0; at < length; ) {
        const { bytesRead } = await file.read(out, at, Math.min(CHUNK, length - at), position + at);
        if (bytesRead === 0) break; // shrank while reading: the checks below fail
        at += bytesRead;
      }
      return out;
    };
    const n = headerLength(await read(0, Math.min(8, size)), size, path);
    const dataStart = 8 + n;
    const { metadata, infos } = decodeHeader(await read(8, n), size - dataStart, path);
    const tensors = new Map<string, Tensor>();
    for (const info of infos)
      tensors.set(
        info.key,
        tensorFromBytes(info, await read(dataStart + info.begin, info.end - info.begin), path),
      );
    return assemble<T>(metadata, tensors, path);
  } finally {
    await file.close();
  }
}

/** Makes the rename durable where the platform allows fsync on a directory (not on Windows). */
async function syncDirectory(dir: string): Promise<void> {
  const { open } = await import('node:fs/promises');
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the data itself was synced before the rename.
  }
}
