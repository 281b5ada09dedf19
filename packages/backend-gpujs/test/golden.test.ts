import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as T from '@tensile/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureFile } from '../../tensor/test/golden/fixture';
import { runCase } from '../../tensor/test/golden/run';
import { gpuReady } from './gpu';
import { skipReason } from './skips';

/**
 * The tensor package's PyTorch goldens, every input made on 'gpu' (setDefaultDevice). Cases
 * the device cannot run as PyTorch's CPU does are listed, with the reason, in test/skips.ts.
 */
const dir = join(dirname(fileURLToPath(import.meta.url)), '../../tensor/test/fixtures');
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'printing.json');

describe.skipIf(!gpuReady)('PyTorch goldens on gpu', () => {
  beforeAll(() => T.setDefaultDevice('gpu'));
  afterAll(() => T.setDefaultDevice('cpu'));
  for (const file of files.sort()) {
    const fixture = JSON.parse(readFileSync(join(dir, file), 'utf8')) as FixtureFile;
    for (const c of fixture.cases) {
      const name = `${fixture.group}/${c.op}/${c.id}`;
      const why = skipReason(name, c);
      it.skipIf(why !== null)(name, () => {
        const errs = runCase(c);
        expect(errs, errs.join('\n')).toEqual([]);
      });
    }
  }
});
