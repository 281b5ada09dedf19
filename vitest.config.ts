import { defineConfig } from 'vitest/config';
import { tensileProject } from './vitest.shared.ts';

// One vitest process runs every package's tests. Each package's vitest.config.ts is a
// tensileProject (vitest.shared.ts), which resolves sibling packages to their src/ and puts its
// files in the fast or the slow tier. Another run of a package's tests, e.g. with other kernels,
// is one more entry here: { ...tensileProject(name, { test: { env } }), root: 'packages/x' }.

/**
 * The packages whose goldens and conformance suites run again on each other CPU tier: the
 * plain runs take the native tier where @tensile/cpu-native is built, so the WebAssembly
 * kernels and the JavaScript ones each get a run of their own.
 */
const TIERED = ['tensor', 'autograd', 'nn', 'optim'];
const TIERS = { js: 'js kernels', wasm: 'wasm kernels' };

export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'apps/*',
      ...Object.entries(TIERS).flatMap(([tier, label]) =>
        TIERED.map((name) => ({
          ...tensileProject(`${name} (${label})`, {
            test: {
              env: { TENSILE_CPU_KERNELS: tier },
              exclude: ['**/node_modules/**', 'test/browser.test.ts'],
            },
          }),
          root: `packages/${name}`,
        })),
      ),
      // The addon on OpenBLAS too (the plain run takes oneDNN where both are installed), and
      // its direct convolution on AVX2 and not at all (the plain run takes AVX-512 where the
      // CPU has it).
      {
        ...tensileProject('cpu-native (openblas)', { test: { env: { TENSILE_BLAS: 'openblas' } } }),
        root: 'packages/cpu-native',
      },
      ...['avx2', 'none'].map((isa) => ({
        ...tensileProject(`cpu-native (isa ${isa})`, {
          test: {
            env: { TENSILE_NATIVE_ISA: isa },
            exclude: ['**/node_modules/**', 'test/{sgemm,eltwise,install}.test.ts'],
          },
        }),
        root: 'packages/cpu-native',
      })),
    ],
  },
});
