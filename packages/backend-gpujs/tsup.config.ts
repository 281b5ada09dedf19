import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // gpu.js (and gl through it) are the user's to install: never bundled.
  external: ['gpu.js', 'gl'],
});
