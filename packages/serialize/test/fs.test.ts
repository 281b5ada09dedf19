import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Tensor, tensor } from '@tensile/tensor';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { load, SerializeError, save, serialize } from '../src';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tensile-serialize-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('save / load', () => {
  test('save writes serialize’s bytes and load reads them back', async () => {
    const path = join(dir, 'ckpt.safetensors');
    const value = { w: tensor([1, 2], { dtype: 'float32' }), epoch: 4 };
    await save(value, path);
    expect(readFileSync(path)).toEqual(Buffer.from(serialize(value)));
    const back = await load<{ w: Tensor; epoch: number }>(path);
    expect([back.w.tolist(), back.epoch]).toEqual([[1, 2], 4]);
    expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
  });

  test('replaces an existing file whole, leaving no temporary file behind', async () => {
    const path = join(dir, 'ckpt.safetensors');
    await save({ v: 1 }, path);
    await save({ v: 2 }, path);
    expect((await load<{ v: number }>(path)).v).toBe(2);
    expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
  });

  test('a value that cannot be saved leaves the old file untouched', async () => {
    const path = join(dir, 'ckpt.safetensors');
    await save({ v: 1 }, path);
    const before = readFileSync(path);
    await expect(save({ v: () => 2 }, path)).rejects.toThrow(SerializeError);
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
  });

  test('a failed write removes its temporary file', async () => {
    const path = join(dir, 'ckpt.safetensors');
    // Renaming a file over a directory fails after the temporary file was written.
    await import('node:fs').then((fs) => fs.mkdirSync(path));
    await expect(save({ v: 1 }, path)).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
  });

  test('a truncated file is refused with its path in the message', async () => {
    const path = join(dir, 'ckpt.safetensors');
    await save({ w: tensor([1, 2, 3], { dtype: 'float64' }) }, path);
    writeFileSync(path, readFileSync(path).subarray(0, -4));
    await expect(load(path)).rejects.toThrow(SerializeError);
    await expect(load(path)).rejects.toThrow(
      `${path}: tensor 'w' has data_offsets [0, 24] outside`,
    );
  });

  test('removes temporary files a killed save left, and only those (issue 21)', async () => {
    const path = join(dir, 'ckpt.safetensors');
    // A pid that is not running (beyond Linux's pid_max), one that is (this process), and
    // another checkpoint's leftover.
    const dead = '.ckpt.safetensors.4194999.abc.tmp';
    const live = `.ckpt.safetensors.${process.pid}.def.tmp`;
    const other = '.other.safetensors.4194999.ghi.tmp';
    for (const f of [dead, live, other]) writeFileSync(join(dir, f), 'partial');
    await save({ v: 1 }, path);
    expect(readdirSync(dir).sort()).toEqual([live, other, 'ckpt.safetensors'].sort());
  });

  test('writes and reads one tensor at a time: many tensors and mixed dtypes round-trip', async () => {
    const path = join(dir, 'ckpt.safetensors');
    const value = {
      a: tensor([1.5, -2], { dtype: 'float64' }),
      b: Array.from({ length: 40 }, (_, i) => tensor([i, i + 1], { dtype: 'int64' })),
      c: tensor([[1, 2, 3]], { dtype: 'float32' }),
      d: tensor([true, false], { dtype: 'bool' }),
    };
    await save(value, path);
    expect(readFileSync(path)).toEqual(Buffer.from(serialize(value)));
    const back = await load<typeof value>(path);
    expect(back.a.tolist()).toEqual([1.5, -2]);
    expect(back.b[39].tolist()).toEqual([39, 40]);
    expect([back.c.shape, back.d.dtype]).toEqual([[1, 3], 'bool']);
  });
});
