import {
  type Backend,
  type DType,
  DTypeError,
  type Storage,
  TensileError,
  ValueError,
} from '@tensile/tensor';
import type { Texture } from 'gpu.js';

/** The texture a storage owns, boxed so the finalizer can free it without the storage. */
interface Slot {
  texture: Texture | null;
  bytes: number;
}

const live = { textures: 0, bytes: 0 };

function release(slot: Slot): void {
  if (!slot.texture) return;
  slot.texture.delete();
  slot.texture = null;
  live.textures--;
  live.bytes -= slot.bytes;
}

// The safety net for storages nobody disposed: it runs only when the event loop turns, so a
// synchronous loop frees through dispose() and scopes (see README).
const finalizer = new FinalizationRegistry<Slot>(release);

/**
 * Every dtype lives in a float32 texture (WebGL1 has no other renderable type): integers are
 * exact up to 2^24, and float64 is refused, as PyTorch's MPS device does.
 */
export class GpuStorage implements Storage {
  version = 0;
  private readonly slot: Slot;

  constructor(
    readonly backend: Backend,
    readonly dtype: DType,
    readonly size: number,
    texture: Texture | null,
  ) {
    checkDtype(dtype);
    // A texel of a 'single' precision texture is four floats, one of them used.
    this.slot = { texture, bytes: size * 16 };
    if (texture) {
      live.textures++;
      live.bytes += this.slot.bytes;
      finalizer.register(this, this.slot, this);
    }
  }

  get disposed(): boolean {
    return this.size > 0 && this.slot.texture === null;
  }

  /** The texture holding the values; an error once disposed. */
  get texture(): Texture | null {
    if (this.disposed) {
      throw new TensileError(
        'gpu: this tensor was disposed (by dispose() or at the end of a scope); keep() what must outlive a scope',
      );
    }
    return this.slot.texture;
  }

  /** Takes a new texture (an in-place write made a new version of the whole storage). */
  replace(texture: Texture): void {
    const old = this.texture;
    old?.delete();
    this.slot.texture = texture;
  }

  dispose(): void {
    finalizer.unregister(this);
    release(this.slot);
  }
}

export function checkDtype(dtype: DType): void {
  if (dtype === 'float64') {
    throw new DTypeError(
      "gpu: the gpu device does not support float64 (its textures hold float32); convert with .float() first, as on PyTorch's MPS",
    );
  }
}

/**
 * gpu.js declares every kernel variable as a float, so indices are exact only up to 2^24;
 * past that a kernel would read neighbouring elements. Refused instead.
 */
export const MAX_ELEMENTS = 2 ** 24;

export function checkSize(size: number): void {
  if (size > MAX_ELEMENTS) {
    throw new ValueError(
      `gpu: a tensor of ${size} elements exceeds the gpu backend's limit of 2^24 = ${MAX_ELEMENTS} elements (gpu.js kernels index in float32); split the work or use the cpu device`,
    );
  }
}

/** Textures the gpu backend holds for live storages, and their size in bytes. */
export function gpuMemory(): { textures: number; bytes: number } {
  return { ...live };
}
