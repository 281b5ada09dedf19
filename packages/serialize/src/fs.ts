import { deserialize, serialize } from './serialize';

/**
 * Writes `serialize(value)` to `path` atomically: into a temporary file in the same directory,
 * flushed to disk, then renamed over the target, so a crash leaves the old file or the new one,
 * never a partial one. Node only (the module loads `node:fs` when called).
 */
export async function save(value: unknown, path: string): Promise<void> {
  const bytes = serialize(value);
  const { open, rename, rm } = await import('node:fs/promises');
  const { basename, dirname, join } = await import('node:path');
  const dir = dirname(path);
  const tmp = join(
    dir,
    `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`,
  );
  try {
    const file = await open(tmp, 'wx');
    try {
      await file.writeFile(bytes);
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

/** Reads a file written by `save` (or any safetensors file) and decodes it; errors name the file. */
export async function load<T = unknown>(path: string): Promise<T> {
  const { readFile } = await import('node:fs/promises');
  return deserialize<T>(await readFile(path), { source: path });
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
