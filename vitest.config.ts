import { defineConfig } from 'vitest/config';

// One vitest process runs every package's tests. Each package's vitest.config.ts is a
// tensileProject (vitest.shared.ts), which resolves sibling packages to their src/ and puts its
// files in the fast or the slow tier. Another run of a package's tests, e.g. with other kernels,
// is one more entry here: { ...tensileProject(name, { test: { env } }), root: 'packages/x' }.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
