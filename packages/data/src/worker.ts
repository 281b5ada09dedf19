/**
 * Entry of a DataLoader worker thread: rebuilds the dataset from workerData, then answers
 * 'fetch' (map-style) and 'next' (iterable-style) requests one at a time, in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { manualSeed } from '@tensile/tensor';
import { defaultCollate, defaultConvert } from './collate';
import { type AnyIterable, asMapDataset, type MapDataset } from './datasets/dataset';
import { groupsAsync } from './groups';
import { type Reply, type Request, toFailure, type WorkerConfig } from './protocol';
import { decode, encode, importModules, modulesOf } from './wire';
import { setWorkerInfo } from './worker-info';

const config = workerData as WorkerConfig;
const port = parentPort!;
let dataset: unknown;
let batches: AsyncIterator<unknown> | undefined;

async function start(): Promise<void> {
  const info = { id: config.id, numWorkers: config.numWorkers, seed: config.seed, dataset };
  setWorkerInfo(info);
  manualSeed(config.seed);
  const modules = await importModules(modulesOf(config.dataset));
  dataset = decode(config.dataset, modules);
  info.dataset = dataset;
  if (config.initFn) {
    const fn = (await import(config.initFn.module))[config.initFn.export];
    if (typeof fn !== 'function') {
      throw new TypeError(
        `workerInitFn: ${config.initFn.module} has no function '${config.initFn.export}'`,
      );
    }
    await fn(config.id);
  }
  if (config.iterable) reset();
}

function reset(): void {
  const source = dataset as AnyIterable<unknown>;
  batches = groupsAsync(source, config.batchSize, config.dropLast)[Symbol.asyncIterator]();
}

function finish(samples: unknown): unknown {
  if (config.mode === 'collate') return defaultCollate(samples as unknown[]);
  return config.mode === 'convert' ? defaultConvert(samples) : samples;
}

function send(reply: Reply, data?: unknown): void {
  const transfer = new Set<ArrayBuffer>();
  const payload = reply.type === 'data' ? { ...reply, data: encode(data, { transfer }) } : reply;
  port.postMessage(payload, [...transfer]);
}

/** An error from dataset.get, tagged with the index it was loading. */
class SampleFailure {
  constructor(
    readonly index: number,
    readonly cause: unknown,
  ) {}
}

async function load(ds: MapDataset<unknown>, index: number): Promise<unknown> {
  try {
    return await ds.get(index);
  } catch (err) {
    throw new SampleFailure(index, err);
  }
}

async function fetchMap(index: number[] | number): Promise<unknown> {
  const ds = asMapDataset(dataset as MapDataset<unknown>);
  if (!Array.isArray(index)) return load(ds, index);
  const samples: unknown[] = [];
  for (const i of index) samples.push(await load(ds, i));
  return samples;
}

async function handle(req: Request): Promise<void> {
  if (req.type === 'reset') return reset();
  const { epoch, seq } = req;
  try {
    let samples: unknown;
    if (req.type === 'fetch') samples = await fetchMap(req.index);
    else {
      const next = await batches!.next();
      if (next.done) return send({ type: 'end', epoch, seq });
      samples = next.value;
    }
    send({ type: 'data', epoch, seq, data: null }, finish(samples));
  } catch (err) {
    const failure =
      err instanceof SampleFailure
        ? toFailure(err.cause, config.id, err.index)
        : toFailure(err, config.id);
    send({ type: 'error', epoch, seq, failure });
  }
}

let queue = start().catch((err) => {
  send({ type: 'fatal', failure: toFailure(err, config.id) });
  return new Promise<void>(() => {}); // never handle requests without a dataset
});
port.on('message', (req: Request) => {
  queue = queue.then(() => handle(req));
});
