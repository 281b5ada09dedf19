import { defineConfig } from 'vitest/config';
import { tensileProject } from './vitest.shared.ts';

// One vitest process runs every package's tests. Each package's vitest.config.ts is a
// tensileProject (vitest.shared.ts), which resolves sibling packages to their src/ and puts its
// files in the fast or the slow tier. Another run of a package's tests, e.g. with other kernels,
// is one more entry here: { ...tensileProject(name, { test: { env } }), root: 'packages/x' }.

/** The packages whose goldens and conformance suites run again on the JavaScript CPU kernels. */
const JS_KERNELS = ['tensor', 'autograd', 'nn', 'optim'];

export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'apps/*',
      ...JS_KERNELS.map((name) => ({
        ...tensileProject(`${name} (js kernels)`, {
          test: {
            env: { TENSILE_CPU_KERNELS: 'js' },
            exclude: ['**/node_modules/**', 'test/browser.test.ts'],
          },
        }),
        root: `packages/${name}`,
      })),
    ],
  },
});
