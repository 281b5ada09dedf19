/**
 * Every op in docs/ops.json (generated from the code) has a PyTorch golden case in
 * test/fixtures, or an entry in test/golden-exempt.json saying why not. tools/fixtures/generate.py
 * refuses to write the fixtures on the same condition, so an op added without goldens is caught
 * on both sides.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFixtures } from '@tensile/tensor/testing';
import { describe, expect, it } from 'vitest';

const read = (path: string) => JSON.parse(readFileSync(join(import.meta.dirname, path), 'utf8'));
const ops = new Set<string>(read('../docs/ops.json').ops.map((op: { name: string }) => op.name));
const exempt: Record<string, string> = read('golden-exempt.json');
const covered = new Set(loadFixtures().flatMap((f) => f.cases.map((c) => c.op)));

describe('golden coverage', () => {
  it('every op has a golden case or an exemption with its reason', () => {
    const missing = [...ops].filter((op) => !covered.has(op) && !(op in exempt));
    expect(missing, 'add cases to tools/fixtures/generate.py, or an exemption').toEqual([]);
  });

  it('every exemption names an op without cases, and says why', () => {
    const stale = Object.entries(exempt)
      .filter(([op, why]) => !ops.has(op) || covered.has(op) || why.trim() === '')
      .map(([op]) => op);
    expect(stale, 'exemptions of ops that are gone, have cases, or give no reason').toEqual([]);
  });

  it('every golden case is of an op the package has', () => {
    expect([...covered].filter((op) => !ops.has(op))).toEqual([]);
  });
});
