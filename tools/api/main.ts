/**
 * `pnpm api`: writes each package's generated API reference and op list (tools/api/generate.ts).
 * `pnpm api --check` writes nothing and exits 1 when a committed file differs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, TARGETS } from './generate';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const check = process.argv.includes('--check');
let stale = 0;
for (const target of TARGETS) {
  for (const [path, text] of generate(root, target)) {
    const file = join(root, path);
    const same = existsSync(file) && readFileSync(file, 'utf8') === text;
    if (same) continue;
    if (check) {
      stale++;
      console.error(`${path} is stale: run pnpm api`);
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${path}`);
    }
  }
}
process.exit(stale > 0 ? 1 : 0);
