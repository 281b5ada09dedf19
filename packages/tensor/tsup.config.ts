import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // The optional native tier is found through import.meta.url, also in the CJS build.
  shims: true,
  // The testing entry uses the user's copy of the package, never a bundled second one.
  external: ['@tensile/tensor'],
});
