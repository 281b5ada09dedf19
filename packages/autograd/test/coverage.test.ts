/**
 * Every op name the tensor package records through `apply` has a backward formula: a new op
 * added there without one fails here instead of at some user's backward pass.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { FORMULAS } from '../src/grads';

const src = join(dirname(fileURLToPath(import.meta.url)), '../../tensor/src');
const read = (file: string) => readFileSync(join(src, file), 'utf8');

/** The string members of `export type Name = 'a' | 'b' ...` in backend.ts. */
function unionMembers(name: string): string[] {
  const m = read('backend.ts').match(new RegExp(`export type ${name} =([^;]+);`));
  return [...(m?.[1] ?? '').matchAll(/'(\w+)'/g)].map((x) => x[1]);
}

/** Ops whose results are bool or integer: never differentiable, so never recorded as a node. */
const NON_DIFFERENTIABLE = new Set([
  ...['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor'],
  ...['logicalNot', 'isnan', 'isinf', 'isfinite', 'any', 'all'],
]);

it('has a formula for every recorded op', () => {
  const ops = new Set([
    ...unionMembers('UnaryOp'),
    ...unionMembers('BinaryOp'),
    ...unionMembers('ReduceOp'),
    ...unionMembers('CumulativeOp'),
  ]);
  for (const file of readdirSync(join(src, 'ops'))) {
    const text = read(join('ops', file));
    for (const m of text.matchAll(/(?:apply|makeView)\(\s*'(\w+)'/g)) ops.add(m[1]);
  }
  expect(ops.size).toBeGreaterThan(50);
  const missing = [...ops].filter((op) => !NON_DIFFERENTIABLE.has(op) && !(op in FORMULAS));
  expect(missing).toEqual([]);
});
