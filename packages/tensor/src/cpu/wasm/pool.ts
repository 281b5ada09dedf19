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
/** Tasks the workers (not the caller) have run, for getKernelInfo. */
const WORKER_TASKS = 5;
const WS = 8; // WS + id: workspace of worker id

/** Polls of the generation word before a worker sleeps: about 50 µs. */
const SPIN = 20000;

/**
 * Claims the next task of generation g: its index, or -1 when g has none left or is over.
 * NEXT holds g in its high bits and the next index in its low 16, and a claim is a
 * compare-and-swap: a worker still in an earlier generation can neither take nor skip a task
 * of the current one (an add on a bare index could, running one task twice and counting it
 * done twice, which let the caller read results that were still being written).
 */
const CLAIM = `function claim(c, g) {
  for (;;) {
    const v = Atomics.load(c, ${NEXT});
    const i = v & 0xffff;
    if (v >>> 16 !== g || i >= Atomics.load(c, ${COUNT})) return -1;
    if (Atomics.compareExchange(c, ${NEXT}, v, v + 1) === v) return i;
  }
}`;
type Claim = (c: Int32Array, g: number) => number;
let claimFn: Claim | undefined;
/** The same function on the calling thread (made on first use: importing evaluates nothing). */
const claim: Claim = (c, g) => {
  claimFn ??= new Function(`${CLAIM}\nreturn claim;`)() as Claim;
  return claimFn(c, g);
};

/** What a worker runs: claim task records and run them, forever. */
const LOOP = `${CLAIM}
function loop({ module, memory, ctl, id }) {
  const run = new WebAssembly.Instance(module, { env: { memory } }).exports.run;
  const c = new Int32Array(ctl);
  let gen = Atomics.load(c, ${GEN});
  for (;;) {
    // Spin a little before sleeping: kernels come in bursts (a training step's products), and
    // a wake-up from Atomics.wait costs tens of microseconds.
    for (let i = 0; i < ${SPIN} && Atomics.load(c, ${GEN}) === gen; i++);
    Atomics.wait(c, ${GEN}, gen);
    gen = Atomics.load(c, ${GEN});
    for (let i = claim(c, gen); i >= 0; i = claim(c, gen)) {
      run(Atomics.load(c, ${TASKS}), i + 1, i, 1, Atomics.load(c, ${WS} + id));
      Atomics.add(c, ${WORKER_TASKS}, 1);
      if (Atomics.add(c, ${DONE}, 1) + 1 === Atomics.load(c, ${COUNT})) Atomics.notify(c, ${DONE});
    }
  }
}`;

/** Node: worker_threads with the setup in workerData. */
const NODE_SOURCE = `${LOOP}\nloop(require('node:worker_threads').workerData);`;
/** Browsers: a Web Worker that gets the setup as its first message. */
const WEB_SOURCE = `${LOOP}\nself.onmessage = (e) => loop(e.data);`;

interface AnyWorker {
  terminate(): unknown;
}
type NodeWorkerCtor = new (src: string, opts: object) => AnyWorker & { unref(): void };
type WebWorkerCtor = new (url: string) => AnyWorker & { postMessage(data: unknown): void };

interface WebGlobals {
  Worker?: WebWorkerCtor;
  crossOriginIsolated?: boolean;
  Blob?: new (parts: string[], opts: object) => unknown;
  URL?: { createObjectURL(blob: unknown): string };
}

/** Starts one worker on the loop; null where this runtime has no workers that share memory. */
type Spawn = (setup: object) => AnyWorker;

let cached: Spawn | null | undefined;

function spawner(): Spawn | null {
  if (cached === undefined) cached = makeSpawner();
  return cached;
}

function makeSpawner(): Spawn | null {
  const node = builtin<{ Worker: NodeWorkerCtor }>('node:worker_threads')?.Worker;
  if (node) {
    return (workerData) => {
      const w = new node(NODE_SOURCE, { eval: true, workerData });
      w.unref();
      return w;
    };
  }
  // Browsers share memory with workers only when the page is cross-origin isolated.
  const web = globalThis as WebGlobals;
  if (!web.Worker || web.crossOriginIsolated !== true || !web.Blob || !web.URL) return null;
  const url = web.URL.createObjectURL(new web.Blob([WEB_SOURCE], { type: 'text/javascript' }));
  const Web = web.Worker;
  return (setup) => {
    const w = new Web(url);
    w.postMessage(setup);
    return w;
  };
}

/**
 * Whether the calling thread may block in Atomics.wait: not a browser's main thread, which
 * spins on the done counter instead (its workers' share of a kernel is short).
 */
function canBlock(): boolean {
  if (builtin('node:worker_threads')) return true;
  return typeof (globalThis as { document?: unknown }).document === 'undefined';
}

export class Pool {
  private readonly ctl: Int32Array;
  private readonly workers: AnyWorker[] = [];
  private readonly blocks = canBlock();
  readonly size: number;

  static available(): boolean {
    return spawner() !== null;
  }

  /** One worker per workspace pointer. Null where workers with shared memory are missing. */
  static create(module: WasmModule, memory: WasmMemory, workspaces: number[]): Pool | null {
    const spawn = spawner();
    return spawn ? new Pool(spawn, module, memory, workspaces) : null;
  }

  private constructor(spawn: Spawn, module: WasmModule, memory: WasmMemory, workspaces: number[]) {
    this.size = workspaces.length;
    this.ctl = new Int32Array(new SharedArrayBuffer((WS + this.size) * 4));
    for (let id = 0; id < this.size; id++) {
      this.ctl[WS + id] = workspaces[id];
      this.workers.push(spawn({ module, memory, ctl: this.ctl.buffer, id }));
    }
  }

  /** Task records run by the workers since the pool started. */
  get workerTasks(): number {
    return Atomics.load(this.ctl, WORKER_TASKS);
  }

  /** Runs `count` task records at `tasks`; the caller runs what it claims through runOne. */
  run(tasks: number, count: number, runOne: (i: number) => void): void {
    const c = this.ctl;
    const g = (Atomics.load(c, GEN) + 1) & 0x7fff;
    c[TASKS] = tasks;
    c[COUNT] = count;
    Atomics.store(c, DONE, 0);
    Atomics.store(c, NEXT, g << 16);
    Atomics.store(c, GEN, g);
    Atomics.notify(c, GEN);
    for (let i = claim(c, g); i >= 0; i = claim(c, g)) {
      runOne(i);
      Atomics.add(c, DONE, 1);
    }
    for (let d = Atomics.load(c, DONE); d < count; d = Atomics.load(c, DONE)) {
      if (this.blocks) Atomics.wait(c, DONE, d);
    }
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
  }
}
