/**
 * The part of the WebAssembly JS API the kernels use. The project compiles without the DOM
 * library (where TypeScript declares WebAssembly), so it is typed here and read off globalThis.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** A compiled module: only passed along (to worker threads). */
export type WasmModule = object;

export interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}

export const WA = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
