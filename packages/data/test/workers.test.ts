import { arange, Generator, type Tensor, tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import {
  DataLoader,
  DataLoaderError,
  DataLoaderTimeoutError,
  Dataset,
  Subset,
  TensorDataset,
  WorkerError,
} from '../src/index';
import { AsyncCount, MyDs, Ragged, RangeStream, Squares, WhoLoads } from './fixtures/datasets';

const values = (t: Tensor) => Array.from(t.dataSync());

async function collect<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

describe('DataLoader with workers', { timeout: 120_000 }, () => {
  it('loads in parallel and keeps batch order when workers finish out of order', async () => {
    const loader = new DataLoader(new Squares(24, { evenDelayMs: 5 }), {
      batchSize: 3,
      numWorkers: 3,
    });
    const batches = await collect(loader);
    expect(batches.map((b) => values(b.y))).toEqual(
      Array.from({ length: 8 }, (_, k) => [3 * k, 3 * k + 1, 3 * k + 2]),
    );
    expect(batches[1].x.shape).toEqual([3, 2]);
    expect(batches[1].x.dtype).toBe('float32');
    expect(values(batches[1].x)).toEqual([3, 9, 4, 16, 5, 25]);
  });

  it("waits without limit for timeout Infinity or past setTimeout's 24.8 days", async () => {
    // Both once timed out at once (setTimeout fires a longer delay after 1 ms).
    for (const timeout of [Number.POSITIVE_INFINITY, 1e7]) {
      const loader = new DataLoader(new Squares(6, { evenDelayMs: 20 }), {
        batchSize: 3,
        numWorkers: 1,
        timeout,
      });
      expect((await collect(loader)).map((b) => values(b.y))).toEqual([
        [0, 1, 2],
        [3, 4, 5],
      ]);
    }
  });

  it('gives the same batches as numWorkers 0 for a seeded shuffle', async () => {
    const ys = async (numWorkers: number) => {
      const loader = new DataLoader(new Squares(20), {
        batchSize: 4,
        shuffle: true,
        numWorkers,
        generator: new Generator(4),
      });
      return (await collect(loader)).map((b) => values(b.y));
    };
    expect(await ys(2)).toEqual(await ys(0));
  });

  it('rebuilds tensors sent between threads (TensorDataset, Subset, int64, bool)', async () => {
    const ds = new TensorDataset(
      arange(0, 12, 1, { dtype: 'float32' }).reshape([6, 2]),
      arange(6),
      tensor([true, false, true, true, false, false]),
    );
    const batches = await collect(
      new DataLoader(new Subset(ds, [5, 4, 0]), { batchSize: 2, numWorkers: 2 }),
    );
    const [x, y, flag] = batches[0];
    expect([x.dtype, x.shape, values(x)]).toEqual(['float32', [2, 2], [10, 11, 8, 9]]);
    expect([y.dtype, values(y)]).toEqual(['int64', [5, 4]]);
    expect([flag.dtype, values(flag)]).toEqual(['bool', [0, 0]]);
    expect(values(batches[1][1])).toEqual([0]);
  });

  it('runs a custom collateFn in the main thread and loads plain arrays', async () => {
    const loader = new DataLoader(new MyDs([1, 2, 3, 4], [0, 1, 1, 1]), {
      batchSize: 2,
      numWorkers: 2,
      collateFn: (batch) => batch.map(([x, y]) => `${x}:${y}`),
    });
    expect(await collect(loader)).toEqual([
      ['1:0', '2:1'],
      ['3:1', '4:1'],
    ]);
    const plain = await collect(new DataLoader([10, 20, 30], { batchSize: null, numWorkers: 1 }));
    expect(plain).toEqual([10, 20, 30]);
  });

  it('gives each worker its info, a distinct seed and the workerInitFn call', async () => {
    const loader = new DataLoader(new WhoLoads(8), {
      batchSize: 2,
      numWorkers: 2,
      collateFn: (b) => b,
      workerInitFn: {
        module: new URL('./fixtures/datasets.ts', import.meta.url),
        export: 'initWorker',
      },
    });
    const samples = (await collect(loader)).flat();
    expect(samples.map((s) => s.worker)).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
    expect(samples.map((s) => s.init)).toEqual([0, 0, 10, 10, 0, 0, 10, 10]);
    expect(samples.every((s) => s.ownDataset)).toBe(true);
    const [s0, s1] = [samples[0].seed, samples[2].seed];
    expect(s1).toBe(s0 + 1);
    expect(samples[0].draw).not.toBe(samples[2].draw);
  });

  it('shards an iterable dataset with getWorkerInfo, interleaving the workers', async () => {
    const loader = new DataLoader(new RangeStream(0, 10), { batchSize: 2, numWorkers: 2 });
    const batches = (await collect(loader)).map(values);
    expect(batches).toEqual([[0, 1], [5, 6], [2, 3], [7, 8], [4], [9]]);
    const asyncOnly = (
      await collect(new DataLoader(new AsyncCount(3), { batchSize: 2, numWorkers: 2 }))
    ).map(values);
    expect(asyncOnly).toEqual([[0, 1], [0, 1], [2], [2]]);
  });

  it('keeps persistent workers across epochs', async () => {
    const loader = new DataLoader(new WhoLoads(4), {
      batchSize: 2,
      numWorkers: 2,
      persistentWorkers: true,
      collateFn: (b) => b,
    });
    const seeds = async () => (await collect(loader)).flat().map((s) => s.seed);
    const first = await seeds();
    expect(await seeds()).toEqual(first); // same workers, so the same seeds
    await loader.close();
  });
});

describe('DataLoader workers: failures', { timeout: 120_000 }, () => {
  it('surfaces an error thrown in a worker with the sample index', async () => {
    const loader = new DataLoader(new Squares(12, { failAt: 7 }), { batchSize: 2, numWorkers: 2 });
    const err = await collect(loader).catch((e) => e);
    expect(err).toBeInstanceOf(WorkerError);
    expect(err.message).toMatch(
      /Caught RangeError in DataLoader worker 1 while loading sample 7: bad sample 7/,
    );
    expect(err.index).toBe(7);
  });

  it('surfaces an error thrown while a worker builds its dataset', async () => {
    const loader = new DataLoader(new Squares(4, { failInWorker: true }), { numWorkers: 2 });
    const err = await collect(loader).catch((e) => e);
    expect(err).toBeInstanceOf(WorkerError);
    expect(err.message).toMatch(/Caught Error in DataLoader worker \d: cannot open the data file/);
  });

  it('surfaces collate errors from the worker', async () => {
    const err = await collect(new DataLoader(new Ragged(), { batchSize: 4, numWorkers: 1 })).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(WorkerError);
    expect(err.message).toContain('but got [3, 28] at entry 0 and [3, 27] at entry 2');
  });

  it('reports a worker that exits', async () => {
    const err = await collect(
      new DataLoader(new Squares(8, { exitAt: 3 }), { numWorkers: 2 }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(DataLoaderError);
    expect(err.message).toMatch(/worker 1 exited unexpectedly with code 3/);
  });

  it('times out on a slow worker', async () => {
    const loader = new DataLoader(new Squares(4, { evenDelayMs: 2000 }), {
      numWorkers: 1,
      timeout: 0.2,
    });
    const err = await collect(loader).catch((e) => e);
    expect(err).toBeInstanceOf(DataLoaderTimeoutError);
    expect(err.message).toBe('DataLoader timed out after 0.2 seconds');
  });

  it('explains how to make a dataset loadable in workers', async () => {
    class Inline extends Dataset<number> {
      get length() {
        return 1;
      }
      get(i: number) {
        return i;
      }
    }
    const err = await collect(new DataLoader(new Inline(), { numWorkers: 1 })).catch((e) => e);
    expect(err.message).toMatch(
      /Inline cannot be loaded in worker threads: give it a workerSpec\(\)/,
    );
  });
});
