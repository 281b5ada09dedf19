/**
 * Worker threads that run task records of the WebAssembly kernels over one shared memory.
 * The calling thread takes tasks too, claiming them from the same atomic counter, so a worker
 * that has not woken up (or started) yet only means the caller does more of the work: there is
 * no wait on a worker that never claimed anything.
 */
import { builtin } from '../../threads';
import type { WasmMemory, WasmModule } from './api';

// Control words (Int32Array over a SharedArrayBuffer).
const GEN = 0;
const NEXT = 1;
const DONE = 2;
const COUNT = 3;
const TASKS = 4;
const WS = 8; // WS + id: workspace of worker id

/** Polls of the generation word before a worker sleeps: about 50 µs. */
const SPIN = 20000;

/** No task has this index: a stale worker that claims it finds nothing to do. */
const CLOSED = 1 << 30;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctl, id } = workerData;
const run = new WebAssembly.Instance(module, { env: { memory } }).exports.run;
const c = new Int32Array(ctl);
let gen = Atomics.load(c, ${GEN});
for (;;) {
  // Spin a little before sleeping: kernels come in bursts (a training step's products), and
  // a wake-up from Atomics.wait costs tens of microseconds.
  for (let i = 0; i < ${SPIN} && Atomics.load(c, ${GEN}) === gen; i++);
  Atomics.wait(c, ${GEN}, gen);
  gen = Atomics.load(c, ${GEN});
  for (;;) {
    const i = Atomics.add(c, ${NEXT}, 1);
    const count = Atomics.load(c, ${COUNT});
    if (i >= count) break;
    run(Atomics.load(c, ${TASKS}), i + 1, i, 1, Atomics.load(c, ${WS} + id));
    if (Atomics.add(c, ${DONE}, 1) + 1 === count) Atomics.notify(c, ${DONE});
  }
}`;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
}
type WorkerCtor = new (src: string, opts: object) => NodeWorker;

export class Pool {
  private readonly ctl: Int32Array;
  private readonly workers: NodeWorker[] = [];
  readonly size: number;

  static available(): boolean {
    return builtin('node:worker_threads') !== undefined;
  }

  /** One worker per workspace pointer. Null where worker threads are missing. */
  static create(module: WasmModule, memory: WasmMemory, workspaces: number[]): Pool | null {
    const Worker = builtin<{ Worker: WorkerCtor }>('node:worker_threads')?.Worker;
    return Worker ? new Pool(Worker, module, memory, workspaces) : null;
  }

  private constructor(
    Worker: WorkerCtor,
    module: WasmModule,
    memory: WasmMemory,
    workspaces: number[],
  ) {
    this.size = workspaces.length;
    this.ctl = new Int32Array(new SharedArrayBuffer((WS + this.size) * 4));
    Atomics.store(this.ctl, NEXT, CLOSED);
    for (let id = 0; id < this.size; id++) {
      this.ctl[WS + id] = workspaces[id];
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, ctl: this.ctl.buffer, id },
      });
      w.unref();
      this.workers.push(w);
    }
  }

  /** Runs `count` task records at `tasks`; the caller runs what it claims through runOne. */
  run(tasks: number, count: number, runOne: (i: number) => void): void {
    const c = this.ctl;
    Atomics.store(c, NEXT, CLOSED);
    c[TASKS] = tasks;
    c[COUNT] = count;
    Atomics.store(c, DONE, 0);
    Atomics.store(c, NEXT, 0);
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    for (;;) {
      const i = Atomics.add(c, NEXT, 1);
      if (i >= count) break;
      runOne(i);
      Atomics.add(c, DONE, 1);
    }
    for (let d = Atomics.load(c, DONE); d < count; d = Atomics.load(c, DONE)) {
      Atomics.wait(c, DONE, d);
    }
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
  }
}
