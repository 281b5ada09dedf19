/**
 * The tensor package's op map (OpAttrMap) is the one link between ops and their gradients:
 * these checks are type errors that `pnpm typecheck` requires (an unused @ts-expect-error fails).
 */
import { expect, it } from 'vitest';
import { FORMULAS } from '../src/grads';
import type { Formulas, GradContext } from '../src/grads/formula';

it('a formula table without one of the differentiable ops does not compile', () => {
  const { flip: _, ...rest } = FORMULAS;
  // @ts-expect-error Property 'flip' is missing: every differentiable op needs its formula.
  const partial: Formulas = rest;
  expect('flip' in partial).toBe(false);
});

it("a formula reads only the attributes its op records, with the op map's types", () => {
  const dims = (c: GradContext<'flip'>): readonly number[] => c.attrs.dims;
  // @ts-expect-error flip records `dims`, not `dim`.
  const dim = (c: GradContext<'flip'>): number => c.attrs.dim;
  expect([dims, dim].length).toBe(2);
});

it('every formula names its node as PyTorch does (a ...Backward name)', () => {
  for (const [op, f] of Object.entries(FORMULAS)) {
    if (typeof f.name === 'string')
      expect(f.name, op).toMatch(/^([A-Z]\w*Backward\d?|[A-Z]\w*Backwards)$/);
  }
});
