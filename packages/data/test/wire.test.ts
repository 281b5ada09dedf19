import { arange, Tensor, tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { Subset, TensorDataset } from '../src/index';
import { decode, encode, encodeDataset, importModules, moduleHref, modulesOf } from '../src/wire';
import { MyDs } from './fixtures/datasets';

describe('wire: values sent between threads', () => {
  it('sends tensors as dtype, shape and a transferred buffer, and rebuilds them', () => {
    const transfer = new Set<ArrayBuffer>();
    const sent = encode(
      { x: arange(6).reshape([2, 3]), flags: [tensor([true, false])], n: 1 },
      { transfer },
    );
    expect(transfer.size).toBe(2);
    const copy = structuredClone(sent, { transfer: [...transfer] });
    const back = decode(copy) as { x: Tensor; flags: Tensor[]; n: number };
    expect(back.x).toBeInstanceOf(Tensor);
    expect([back.x.dtype, back.x.shape, Array.from(back.x.dataSync())]).toEqual([
      'int64',
      [2, 3],
      [0, 1, 2, 3, 4, 5],
    ]);
    expect([back.flags[0].dtype, Array.from(back.flags[0].dataSync())]).toEqual(['bool', [1, 0]]);
    expect(back.n).toBe(1);
  });

  it('sends datasets by module, export and args, sharing tensor data between workers', async () => {
    const inner = new TensorDataset(arange(4));
    const sent = encodeDataset(new Subset(inner, [3, 1]));
    expect(modulesOf(sent)).toEqual(new Set(['@tensile/data']));
    // Tensor data travels in a SharedArrayBuffer that every worker reads.
    const data = (x: unknown) =>
      JSON.stringify(x, (_k, v) => (ArrayBuffer.isView(v) ? v.buffer.constructor.name : v));
    expect(data(sent)).toContain('SharedArrayBuffer');
    const modules = await importModules(['@tensile/data']);
    const rebuilt = decode(sent, modules) as Subset<Tensor[]>;
    expect(rebuilt).toBeInstanceOf(Subset);
    expect(rebuilt.get(0)[0].item()).toBe(3);
  });

  it('reuses the shared copy until the tensor is written to', () => {
    const t = arange(3);
    const ds = new TensorDataset(t);
    const first = (encodeDataset(ds) as { args: { data: Float64Array }[] }).args[0].data;
    expect((encodeDataset(ds) as { args: { data: Float64Array }[] }).args[0].data).toBe(first);
    t.add_(1);
    const after = (encodeDataset(ds) as { args: { data: Float64Array }[] }).args[0].data;
    expect(after).not.toBe(first);
    expect(Array.from(after)).toEqual([1, 2, 3]);
  });

  it('accepts file URLs, absolute paths and package names as modules', () => {
    expect(moduleHref(new URL('file:///a/b.js'))).toBe('file:///a/b.js');
    expect(moduleHref('/a/b.js')).toBe('file:///a/b.js');
    expect(moduleHref('@tensile/data')).toBe('@tensile/data');
    expect(() => moduleHref('./b.js')).toThrow(/import.meta.url/);
    expect(() => encodeDataset({ length: 1, get: () => 1 })).toThrow(/workerSpec/);
    expect(encodeDataset(new MyDs([1], [2]))).toMatchObject({ export: 'MyDs', args: [[1], [2]] });
  });
});
