/**
 * The fused convolution kernels of the CPU backend: the native tier's where it is loaded,
 * else WebAssembly's. They decline (null) where both tiers are off or an operand is not dense
 * float32, and the convolution op then composes im2col and matmul as on any backend.
 */
import type { View, WindowGeometry } from '../backend';
import { numelOf } from '../shape';
import { native, nativeGeometry } from './native';
import { allocUninit, CpuStorage, denseFloat32 as dense } from './storage';
import { type ConvKind, wasmConv } from './wasm/conv';
import { wasm } from './wasm/runtime';

/**
 * Output planes smaller than this go the composed way (one product over the whole batch's
 * columns): the kernels work one image at a time, and a product per 4x4 plane of a ResNet's
 * late layers spent its time packing the weight, not multiplying (W6 0.46 s -> 0.77 s).
 */
const MIN_PLANE = 64;

const NATIVE_KIND = { forward: 0, inputGrad: 1, weightGrad: 2 } as const;

/** One conv kernel into a fresh storage of `shape`, or null where it declines. */
export function conv(
  kind: ConvKind,
  g: WindowGeometry,
  outCh: number,
  a: View,
  b: View,
  bias: View | null,
  shape: number[],
): CpuStorage | null {
  const nk = native();
  const w = nk || g.out[0] * g.out[1] < MIN_PLANE ? null : wasm();
  if (!nk && !w) return null;
  const [da, db] = [dense(a), dense(b)];
  const dbias = bias && dense(bias);
  if (!da || !db || (bias && !dbias)) return null;
  const out = allocUninit('float32', numelOf(shape)) as Float32Array;
  if (nk) {
    nk.conv(NATIVE_KIND[kind], nativeGeometry(g, outCh), da, db, dbias, out);
  } else if (w) wasmConv(w, kind, g, outCh, da, db, dbias, out);
  return new CpuStorage(a.storage.backend, 'float32', out);
}
