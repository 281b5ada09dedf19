/**
 * The WebAssembly SIMD kernel tier of the CPU backend: one module instance over a memory that
 * holds task records, a workspace per thread and a scratch area that operands are copied into.
 * Tensors keep their typed arrays; a kernel copies its operands in and its result out, which
 * costs a few percent of a GEMM and keeps every storage free of manual memory management.
 */
import { getNumThreads, onNumThreads } from '../../threads';
import { nativeInfo } from '../native';
import { WA, type WasmMemory, type WasmModule } from './api';
import { SINGLE_WASM, THREADS_WASM } from './binary';
import { Pool } from './pool';

/** Words of one task record (wasm/kernels.h: TASK_WORDS). */
export const TASK_WORDS = 16;
const TASK_CAP = 1024;
const PAGE = 65536;

export interface KernelInfo {
  /** 'wasm-simd': WebAssembly SIMD kernels; 'js': the reference JavaScript kernels. */
  tier: 'wasm-simd' | 'js';
  /** Threads the kernels use (setNumThreads); 1 where the runtime has no shared memory. */
  threads: number;
  /** Why the tier is 'js', or why kernels run on one thread. */
  note?: string;
  /**
   * Task records the worker threads have run (the calling thread runs the rest): stuck at 0
   * while kernels run with threads > 1 would mean the workers take no share.
   */
  workerTasks?: number;
  /**
   * The native tier (@tensile/cpu-native, where installed and built), which runs float32
   * matrix products: its library and version, e.g. 'onednn 2.6.3 (libdnnl.so.2)'.
   */
  native?: string;
  /** Why the native tier is installed but off (no addon built, no BLAS library found). */
  nativeNote?: string;
}

function decode(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Workers over shared memory: Node's, or a cross-origin isolated page's Web Workers. */
function canShare(): boolean {
  return typeof SharedArrayBuffer === 'function' && Pool.available();
}

export class Wasm {
  readonly memory: WasmMemory;
  readonly threaded: boolean;
  private readonly module: WasmModule;
  private readonly runFn: (
    tasks: number,
    count: number,
    first: number,
    step: number,
    ws: number,
  ) => void;
  private readonly wsBytes: number;
  private readonly tasks: number;
  private f32cache: Float32Array;
  private i32cache: Int32Array;
  private pool: Pool | null = null;
  private readonly wsBase: number;
  private scratchBase = 0;

  constructor(threaded: boolean) {
    this.threaded = threaded;
    this.module = new WA!.Module(decode(this.threaded ? THREADS_WASM : SINGLE_WASM));
    this.memory = new WA!.Memory({ initial: 64, maximum: 65536, shared: this.threaded });
    const ex = new WA!.Instance(this.module, { env: { memory: this.memory } }).exports;
    this.runFn = ex.run as Wasm['runFn'];
    this.wsBytes = align((ex.ws_bytes as () => number)(), 64);
    this.tasks = align((ex.__heap_base as { value: number }).value, 64);
    this.wsBase = this.tasks + TASK_CAP * TASK_WORDS * 4;
    this.f32cache = new Float32Array(this.memory.buffer);
    this.i32cache = new Int32Array(this.memory.buffer);
    this.layout(getNumThreads());
    onNumThreads((n) => this.layout(n));
  }

  get workerTasks(): number {
    return this.pool?.workerTasks ?? 0;
  }

  get threads(): number {
    return this.threaded ? getNumThreads() : 1;
  }

  get f32(): Float32Array {
    return this.f32cache;
  }

  get i32(): Int32Array {
    return this.i32cache;
  }

  /** Byte offset of the scratch area, made at least `bytes` long. */
  scratch(bytes: number): number {
    this.ensure(this.scratchBase + bytes);
    return this.scratchBase;
  }

  /** Byte offset of task record i (i < TASK_CAP). */
  task(i: number): number {
    return this.tasks + i * TASK_WORDS * 4;
  }

  static readonly maxTasks = TASK_CAP;

  /** Writes task record i: its words in the order of its C struct (wasm/kernels.h). */
  setTask(i: number, words: readonly number[]): void {
    this.i32.set(words, this.task(i) / 4);
  }

  /** Runs task records 0..count-1: on worker threads too when `parallel` and there are some. */
  run(count: number, parallel: boolean): void {
    if (!parallel || this.threads < 2 || count < 2) {
      this.runFn(this.tasks, count, 0, 1, this.wsBase);
      return;
    }
    if (!this.pool || this.pool.size !== this.threads - 1) this.startPool();
    this.pool!.run(this.tasks, count, (i) => this.runFn(this.tasks, i + 1, i, 1, this.wsBase));
  }

  private startPool(): void {
    this.pool?.close();
    const workspaces = Array.from(
      { length: this.threads - 1 },
      (_, id) => this.wsBase + (id + 1) * this.wsBytes,
    );
    this.pool = Pool.create(this.module, this.memory, workspaces);
  }

  private layout(threads: number): void {
    const n = this.threaded ? threads : 1;
    this.scratchBase = align(this.wsBase + n * this.wsBytes, 64);
    this.ensure(this.scratchBase);
  }

  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    this.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.f32cache = new Float32Array(this.memory.buffer);
    this.i32cache = new Int32Array(this.memory.buffer);
  }
}

/**
 * Part `part` of `parts` of the range [0, size), as [lo, hi): near-equal shares whose inner
 * bounds are multiples of `quantum` (vector widths), the last ending at size.
 */
export function share(size: number, parts: number, part: number, quantum = 1): [number, number] {
  const at = (t: number) =>
    t >= parts ? size : Math.floor((size * t) / parts / quantum) * quantum;
  return [at(part), at(part + 1)];
}

/** Bytes of scratch for n float32 values, rounded up to a whole 64-byte line. */
export function floatBytes(n: number): number {
  return align(n * 4, 64);
}

function align(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

let instance: Wasm | null | undefined;
let note: string | undefined;

function simdSupported(): boolean {
  // A module whose one function returns a v128: it validates only where SIMD is supported.
  const probe = decode('AGFzbQEAAAABBQFgAAF7AwIBAAoWARQA/QwAAAAAAAAAAAAAAAAAAAAACw==');
  return WA?.validate(probe) === true;
}

/** The kernels, or null where the JS kernels run (TENSILE_CPU_KERNELS=js, or no WASM SIMD). */
export function wasm(): Wasm | null {
  if (instance !== undefined) return instance;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  if (env?.TENSILE_CPU_KERNELS === 'js') {
    note = 'TENSILE_CPU_KERNELS=js';
    instance = null;
  } else if (!simdSupported()) {
    note = 'this runtime has no WebAssembly SIMD';
    console.warn(`tensile: ${note}; the CPU backend runs its JavaScript kernels`);
    instance = null;
  } else {
    const shared = canShare();
    try {
      instance = new Wasm(shared);
    } catch (e) {
      // A shared memory can fail to reserve its address space; one thread needs none of it.
      if (!shared) throw e;
      instance = new Wasm(false);
    }
    if (!instance.threaded) note = 'no worker threads with shared memory here: one thread';
  }
  return instance;
}

/** Which kernels the CPU backend runs, on how many threads. */
export function getKernelInfo(): KernelInfo {
  const w = wasm();
  const info: KernelInfo = { tier: w ? 'wasm-simd' : 'js', threads: w ? w.threads : 1 };
  if (note) info.note = note;
  if (w?.threaded) info.workerTasks = w.workerTasks;
  return { ...info, ...nativeInfo() };
}
