/**
 * The optional native tier: @tensile/cpu-native's addon, where that package is installed
 * (Node only) and its addon was built. float32 matrix products then run on the system's
 * oneDNN or OpenBLAS straight on the tensors' own Float32Arrays, with no copies; every other
 * op keeps the WebAssembly kernels. TENSILE_CPU_KERNELS=wasm (or js) leaves it out.
 */
// Types only: the package itself is an optional peer, loaded at run time below.
import type { NativeKernels } from '@tensile/cpu-native';
import type { WindowGeometry } from '../backend';
import { builtin, getNumThreads, onNumThreads } from '../threads';

export type { NativeKernels };

/** The addon contract this code calls (TENSILE_NATIVE_ABI in cpu-native's C). */
const NATIVE_ABI = 2;

let instance: NativeKernels | null | undefined;
let note: string | undefined;

type Require = ((id: string) => unknown) & { resolve(id: string): string };

export function native(): NativeKernels | null {
  if (instance !== undefined) return instance;
  instance = null;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const mode = env?.TENSILE_CPU_KERNELS;
  const mod = builtin<{ createRequire(from: string): Require }>('node:module');
  if (mode === 'js' || mode === 'wasm' || !mod) return null;
  const req = mod.createRequire(import.meta.url);
  try {
    req.resolve('@tensile/cpu-native/package.json');
  } catch {
    return null; // not installed: nothing to say
  }
  try {
    const addon = req('@tensile/cpu-native/addon') as NativeKernels;
    const info = addon.info();
    if (info.abi !== NATIVE_ABI)
      note = `cpu-native's addon was built for another version of Tensile (contract ${info.abi ?? 1}, this one needs ${NATIVE_ABI}): rebuild it (npm rebuild @tensile/cpu-native)`;
    else if (info.blas) instance = addon;
    else note = 'cpu-native: neither oneDNN (libdnnl) nor OpenBLAS (libopenblas) is installed';
  } catch (e) {
    note = `cpu-native is installed but its addon is not built (${(e as Error).message.split('\n')[0]})`;
  }
  const kernels = instance;
  if (kernels) {
    kernels.setNumThreads(getNumThreads());
    onNumThreads((n) => kernels.setNumThreads(n));
  }
  return instance;
}

/**
 * g as the addon's 15-number geometry [n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow],
 * with `o` output channels (pooling: the channels).
 */
export function nativeGeometry(g: WindowGeometry, o: number): number[] {
  const { n, c, h, w, kernel, stride, padding, dilation, out } = g;
  return [n, c, h, w, o, ...kernel, ...stride, ...padding, ...dilation, ...out];
}

/** What getKernelInfo() reports of this tier. */
export function nativeInfo(): { native?: string; nativeNote?: string } {
  const k = native();
  if (k) {
    const i = k.info();
    return { native: [i.blas, i.detail, `(${i.library})`, i.isa].filter(Boolean).join(' ') };
  }
  return note ? { nativeNote: note } : {};
}
