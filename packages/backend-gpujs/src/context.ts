import { DeviceError } from '@tensile/tensor';
import { GPU, type IGPUKernelSettings, type IKernelRunShortcut, type ITypesList } from 'gpu.js';

const HELP_NODE = `In Node the gpu backend needs:
  - the peer dependencies gpu.js and gl (npm i gpu.js gl); gl compiles from source where no
    prebuilt binary is reachable, which needs: apt-get install g++ make python3 pkg-config
    libx11-dev libxi-dev libxext-dev libgl-dev (npm drops gl silently when that build fails);
  - an X display for the GL context: run under \`xvfb-run -a node ...\` (apt-get install xvfb xauth)
    on a machine without one; Mesa's llvmpipe renders on the CPU, a GPU driver on the GPU.`;

import { NATIVE } from './native';

export interface GpuContext {
  gpu: GPU;
  mode: string;
  kernel(source: string, argumentTypes: ITypesList): IKernelRunShortcut;
}

let context: GpuContext | null = null;
let failure: Error | null = null;

function create(): GpuContext {
  const inNode = typeof process !== 'undefined' && !!process.versions?.node;
  let mode: 'headlessgl' | 'webgl2' | 'webgl';
  if (inNode) {
    if (!GPU.isHeadlessGLSupported) {
      const display = process.env.DISPLAY
        ? `DISPLAY=${process.env.DISPLAY} is set, so gl is missing or failed to load`
        : 'no DISPLAY is set';
      throw new DeviceError(
        `the gpu backend found no headless-gl context (${display}).\n${HELP_NODE}`,
      );
    }
    mode = 'headlessgl';
  } else if (GPU.isWebGL2Supported) mode = 'webgl2';
  else if (GPU.isWebGLSupported) mode = 'webgl';
  else throw new DeviceError('the gpu backend needs WebGL, which this browser does not offer');
  // gpu.js falls back to its CPU mode silently; asking for one mode and checking it avoids that.
  const gpu = new GPU({ mode });
  if (gpu.mode !== mode)
    throw new DeviceError(`gpu.js started in mode '${gpu.mode}', not '${mode}'`);
  for (const [name, source, returnType] of NATIVE)
    gpu.addNativeFunction(name, source, { returnType });
  const cache = new Map<string, IKernelRunShortcut>();
  return {
    gpu,
    mode,
    kernel(source, argumentTypes) {
      let k = cache.get(source);
      if (!k) {
        const settings: IGPUKernelSettings & { loopMaxIterations: number } = {
          output: [1],
          pipeline: true,
          immutable: true,
          precision: 'single',
          // highp everywhere: a precision chosen per output size would recompile on resize.
          tactic: 'precision',
          dynamicOutput: true,
          dynamicArguments: true,
          // Loop bounds are kernel arguments; gpu.js stops such loops at this count.
          loopMaxIterations: 1 << 24,
          argumentTypes,
        };
        k = gpu.createKernel(source, settings);
        cache.set(source, k);
      }
      return k;
    },
  };
}

/** The GPU context, made on first use; the same clear error every time when there is none. */
export function gpuContext(): GpuContext {
  if (context) return context;
  if (failure) throw failure;
  try {
    context = create();
    return context;
  } catch (e) {
    failure =
      e instanceof DeviceError
        ? e
        : new DeviceError(`the gpu backend failed to start: ${(e as Error).message}`);
    throw failure;
  }
}

/** Whether the gpu device can be used here (it is started if it can). */
export function isGpuAvailable(): boolean {
  try {
    gpuContext();
    return true;
  } catch {
    return false;
  }
}

/** The part of a WebGL context gpuInfo reads (no DOM types in a Node package). */
interface GlInfo {
  VERSION: number;
  RENDERER: number;
  getParameter(name: number): unknown;
  getExtension(name: string): { UNMASKED_RENDERER_WEBGL: number } | null;
}

/**
 * How the gpu device runs here: gpu.js's mode, the WebGL layer's version, and the driver's
 * renderer and GL version (e.g. Mesa's llvmpipe, which renders on the CPU).
 */
export function gpuInfo(): { mode: string; webgl: string; renderer: string; version: string } {
  const ctx = gpuContext();
  // Contexts belong to kernels in gpu.js; a built kernel has one.
  const probe = ctx.kernel('function() {\nreturn 0;\n}', {});
  probe.setOutput([1]);
  (probe() as { delete(): void }).delete();
  const gl = (probe as unknown as { context: GlInfo }).context;
  // headless-gl answers RENDERER with 'ANGLE'; the native method underneath has the driver's.
  const native = Object.getPrototypeOf(Object.getPrototypeOf(gl)) as Partial<GlInfo> | null;
  const driver = (name: number) => String((native?.getParameter ?? gl.getParameter).call(gl, name));
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  return {
    mode: ctx.mode,
    webgl: String(gl.getParameter(gl.VERSION)),
    renderer: debug ? String(gl.getParameter(debug.UNMASKED_RENDERER_WEBGL)) : driver(gl.RENDERER),
    version: driver(gl.VERSION),
  };
}
