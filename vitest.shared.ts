import { defineConfig } from 'vitest/config';

// Shared by every package: tests import sibling packages from src/, so no build is needed first.
export default defineConfig({
  resolve: { conditions: ['@tensile/source'] },
  ssr: { resolve: { conditions: ['@tensile/source'] } },
  test: { include: ['test/**/*.test.ts', 'src/**/*.test.ts'] },
});
