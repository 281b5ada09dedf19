/**
 * docs/API.md and docs/ops.json are generated from src/index.ts (pnpm api, tools/api): this
 * regenerates them in memory and fails when the committed ones differ.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, TARGETS } from '../../../tools/api/generate';

const root = join(import.meta.dirname, '../../..');

describe('generated API files', () => {
  for (const target of TARGETS) {
    const files = generate(root, target);
    for (const [path, text] of files) {
      it(`${path} is up to date (else run pnpm api)`, () => {
        const committed = readFileSync(join(root, path), 'utf8');
        expect(committed === text, `${path} is stale: run pnpm api`).toBe(true);
      });
    }
  }
});
