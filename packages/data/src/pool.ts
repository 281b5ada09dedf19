import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DataLoaderError, DataLoaderTimeoutError, WorkerError } from './errors';
import type { Reply, Request, TaskReply, WorkerConfig } from './protocol';
import { modulesOf } from './wire';

// Run from source (tests, `tsx`), this file is pool.ts and the worker entry worker.ts;
// from the build both are .js in dist/. This file sits next to the entry in both layouts.
const HERE = import.meta.url;
const FROM_SOURCE = HERE.endsWith('.ts');
const ENTRY = new URL(FROM_SOURCE ? './worker.ts' : './worker.js', HERE).href;

/** tsx's ESM register(), found from this package (dev) or from the user's project. */
function tsxRegisterUrl(): string {
  for (const base of [HERE, pathToFileURL(`${process.cwd()}/`).href]) {
    try {
      const pkgPath = createRequire(base).resolve('tsx/package.json');
      const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
      return pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api'].import.default)).href;
    } catch {
      // not installed there: try the next place
    }
  }
  throw new DataLoaderError(
    'DataLoader workers need tsx to import TypeScript modules: install it (npm i -D tsx) ' +
      'or point workerSpec at compiled JavaScript',
  );
}

/**
 * Node 20 workers cannot start from a .ts file, and tsx registers itself only on the main
 * thread: a .ts entry or dataset module gets a small bootstrap that registers tsx first.
 */
function spawn(config: WorkerConfig): Worker {
  const modules = [...modulesOf(config.dataset)];
  if (config.initFn) modules.push(config.initFn.module);
  if (!FROM_SOURCE && !modules.some((m) => /\.[cm]?tsx?$/.test(m))) {
    return new Worker(new URL(ENTRY), { workerData: config });
  }
  const boot = `import(${JSON.stringify(tsxRegisterUrl())}).then((m) => { m.register(); return import(${JSON.stringify(ENTRY)}); })`;
  // From source, sibling packages resolve to their src/ through the custom export condition.
  const execArgv = FROM_SOURCE ? ['--conditions=@tensile/source'] : undefined;
  return new Worker(boot, { eval: true, workerData: config, execArgv });
}

interface Waiter {
  seq: number;
  resolve(reply: TaskReply): void;
  reject(err: Error): void;
}

/** The worker threads of one DataLoader, with the replies of the current epoch by sequence number. */
export class WorkerPool {
  private readonly workers: Worker[];
  private readonly replies = new Map<number, TaskReply>();
  private waiter: Waiter | null = null;
  private fatal: Error | null = null;
  private closing = false;
  epoch = 0;

  constructor(configs: WorkerConfig[]) {
    this.workers = configs.map((config) => {
      const w = spawn(config);
      w.on('message', (reply: Reply) => this.onReply(reply));
      w.on('error', (err) => this.fail(toWorkerError(err, config.id)));
      w.on('exit', (code) => {
        if (!this.closing) {
          this.fail(
            new DataLoaderError(
              `DataLoader worker ${config.id} exited unexpectedly with code ${code}`,
            ),
          );
        }
      });
      return w;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** Starts an epoch: earlier replies are dropped and, for iterable datasets, workers restart their iterators. */
  beginEpoch(resetIterators: boolean): number {
    this.epoch++;
    this.replies.clear();
    for (const w of this.workers) {
      if (resetIterators) w.postMessage({ type: 'reset' } satisfies Request);
      w.ref();
    }
    return this.epoch;
  }

  post(workerId: number, request: Request): void {
    this.workers[workerId].postMessage(request);
  }

  /** The reply to task `seq` of the current epoch; rejects on a worker crash or after timeoutMs (0: never). */
  async reply(seq: number, timeoutMs: number): Promise<TaskReply> {
    if (this.fatal) throw this.fatal;
    const ready = this.replies.get(seq);
    if (ready) {
      this.replies.delete(seq);
      return ready;
    }
    let cancel = () => {};
    try {
      return await new Promise<TaskReply>((resolve, reject) => {
        this.waiter = { seq, resolve, reject };
        if (timeoutMs > 0) {
          const message = `DataLoader timed out after ${timeoutMs / 1000} seconds`;
          cancel = after(timeoutMs, () => reject(new DataLoaderTimeoutError(message)));
        }
      });
    } finally {
      cancel();
      this.waiter = null;
    }
  }

  /** Lets the process exit while persistent workers wait for the next epoch. */
  idle(): void {
    for (const w of this.workers) w.unref();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private onReply(reply: Reply): void {
    if (reply.type === 'fatal') {
      this.fail(new WorkerError(reply.failure));
    } else if (reply.epoch === this.epoch) {
      if (this.waiter?.seq === reply.seq) this.waiter.resolve(reply);
      else this.replies.set(reply.seq, reply);
    }
  }

  private fail(err: Error): void {
    if (this.fatal || this.closing) return;
    this.fatal = err;
    this.waiter?.reject(err);
  }
}

function toWorkerError(err: Error, workerId: number): WorkerError {
  return new WorkerError({ workerId, name: err.name, message: err.message, stack: err.stack });
}

/** setTimeout's longest delay: a longer one (or Infinity) fires at once, with a warning. */
const MAX_DELAY = 2 ** 31 - 1;

/** Calls `fn` after `ms` (Infinity: never), re-arming past setTimeout's limit; returns a cancel. */
function after(ms: number, fn: () => void): () => void {
  const deadline = performance.now() + ms;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = deadline - performance.now();
    timer = setTimeout(left > MAX_DELAY ? arm : fn, Math.min(Math.max(left, 0), MAX_DELAY));
  };
  arm();
  return () => clearTimeout(timer);
}
