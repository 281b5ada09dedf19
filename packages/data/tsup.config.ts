import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker entry is its own file in dist/, next to the code that spawns it.
  entry: ['src/index.ts', 'src/worker.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // The CJS build finds the worker entry through import.meta.url too.
  shims: true,
});
