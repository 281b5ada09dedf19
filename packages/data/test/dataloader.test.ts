import { arange, Generator, type Tensor, ValueError } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchSampler,
  DataLoader,
  DataLoaderError,
  SequentialSampler,
  TensorDataset,
} from '../src/index';
import { AsyncCount, MyDs, RangeStream } from './fixtures/datasets';

const values = (t: Tensor) => Array.from(t.dataSync());
const ds = new MyDs([1, 2, 3, 4], [0, 1, 1, 1]);

describe('DataLoader: batching', () => {
  it('batches the classic custom dataset with the default collate', () => {
    const batches = [...new DataLoader(ds, { batchSize: 2 })];
    expect(batches).toHaveLength(2);
    const [x, y] = batches[0];
    expect([x.dtype, values(x), values(y)]).toEqual(['int64', [1, 2], [0, 1]]);
  });

  it('defaults to batches of one, keeps or drops the tail and reports its length', () => {
    expect(new DataLoader(ds).length).toBe(4);
    const tensors = new TensorDataset(arange(10).reshape([5, 2]), arange(5));
    expect(new DataLoader(tensors, { batchSize: 2 }).length).toBe(3);
    const dropped = new DataLoader(tensors, { batchSize: 2, dropLast: true });
    expect(dropped.length).toBe(2);
    expect([...dropped].map(([x]) => x.shape)).toEqual([
      [2, 2],
      [2, 2],
    ]);
  });

  it('with batchSize null yields converted single samples', () => {
    const loader = new DataLoader([Float32Array.of(1, 2), Float32Array.of(3, 4)], {
      batchSize: null,
    });
    const out = [...loader];
    expect(out[0].shape).toEqual([2]);
    expect(loader.length).toBe(2);
  });

  it('takes a batchSampler and a custom collateFn', () => {
    const loader = new DataLoader(ds, {
      batchSampler: new BatchSampler(new SequentialSampler(ds), 3, false),
      collateFn: (batch) => batch.map(([x]) => x).join(','),
    });
    expect([...loader]).toEqual(['1,2,3', '4']);
    expect(loader.length).toBe(2);
  });

  it('works with for await too', async () => {
    const seen: number[][] = [];
    for await (const [x] of new DataLoader(ds, { batchSize: 3 })) seen.push(values(x));
    expect(seen).toEqual([[1, 2, 3], [4]]);
  });
});

describe('DataLoader: shuffling', () => {
  const order = (loader: DataLoader<[number, number]>) => [...loader].flatMap(([x]) => values(x));

  it('reshuffles every epoch and repeats exactly with a seeded generator', () => {
    const big = new MyDs(
      Array.from({ length: 20 }, (_, i) => i),
      Array.from({ length: 20 }, () => 0),
    );
    const a = new DataLoader(big, { batchSize: 4, shuffle: true, generator: new Generator(9) });
    const b = new DataLoader(big, { batchSize: 4, shuffle: true, generator: new Generator(9) });
    const [a1, a2] = [order(a), order(a)];
    expect([...a1].sort((x, y) => x - y)).toEqual(big.x);
    expect(a2).not.toEqual(a1);
    expect([order(b), order(b)]).toEqual([a1, a2]);
  });
});

describe('DataLoader: iterable datasets', () => {
  it('batches a stream, dropping the tail on request', () => {
    const loader = new DataLoader(new RangeStream(0, 5), { batchSize: 2 });
    expect([...loader].map(values)).toEqual([[0, 1], [2, 3], [4]]);
    expect(loader.length).toBe(3);
    expect(new DataLoader(new RangeStream(0, 5), { batchSize: 2, dropLast: true }).length).toBe(2);
  });

  it('iterates async-only datasets with for await and says so for a sync loop', async () => {
    const loader = new DataLoader(new AsyncCount(5), { batchSize: 2 });
    const seen: number[][] = [];
    for await (const b of loader) seen.push(values(b));
    expect(seen).toEqual([[0, 1], [2, 3], [4]]);
    expect(() => [...loader]).toThrow(/for await/);
    expect(() => loader.length).toThrow('object of type AsyncCount has no length');
  });
});

describe('DataLoader: option rules and messages (PyTorch)', () => {
  const bad: [object, string][] = [
    [{ shuffle: true, sampler: [0, 1] }, 'sampler option is mutually exclusive with shuffle'],
    [
      { batchSampler: [[0]], batchSize: 2 },
      'batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast',
    ],
    [{ batchSampler: [[0]], dropLast: true }, 'batchSampler option is mutually exclusive'],
    [
      { batchSize: null, dropLast: true },
      'batchSize=null option disables auto-batching and is mutually exclusive with dropLast',
    ],
    [
      { numWorkers: -1 },
      'numWorkers option should be non-negative; use numWorkers=0 to disable multiprocessing.',
    ],
    [{ numWorkers: 1, timeout: -1 }, 'timeout option should be non-negative'],
    [{ prefetchFactor: 2 }, 'prefetchFactor option could only be specified in multiprocessing'],
    [{ persistentWorkers: true }, 'persistentWorkers option needs numWorkers > 0'],
    [{ batchSize: 0 }, 'batchSize should be a positive integer value, but got batchSize=0'],
  ];
  it.each(bad)('rejects %o', (opts, message) => {
    expect(() => new DataLoader(ds, opts)).toThrow(message);
  });

  it('rejects shuffle and samplers for iterable datasets', () => {
    expect(() => new DataLoader(new RangeStream(0, 3), { shuffle: true })).toThrow(
      'DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true',
    );
    expect(() => new DataLoader(new RangeStream(0, 3), { sampler: [0] })).toThrow(ValueError);
  });

  it('asks for a module reference as workerInitFn', () => {
    // biome-ignore lint/suspicious/noExplicitAny: a function where a reference belongs
    const workerInitFn = (() => {}) as any;
    expect(() => new DataLoader(ds, { numWorkers: 1, workerInitFn })).toThrow(/module reference/);
  });

  it('refuses a sync loop with workers', () => {
    expect(() => [...new DataLoader(ds, { numWorkers: 2 })]).toThrow(DataLoaderError);
  });
});
