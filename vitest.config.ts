import { defineConfig } from 'vitest/config';

// One vitest process runs every package's tests; each package's own vitest.config.ts
// resolves sibling packages to their src/ through the "@tensile/source" export condition.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
