import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // save/load import `node:fs/promises` lazily; the node: prefix lets browser bundlers treat it as
  // a Node built-in to leave out, so serialize/deserialize bundle without polyfills.
  removeNodeProtocol: false,
});
