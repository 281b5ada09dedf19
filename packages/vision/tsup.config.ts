import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // Transforms and datasets tell DataLoader workers their module through import.meta.url, in CJS too.
  shims: true,
});
