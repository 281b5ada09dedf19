import type { OpName } from '@tensile/tensor';
import { AutogradError } from '../errors';
import { complexGrads } from './complex';
import { decompositions } from './decompositions';
import { elementwise } from './elementwise';
import type { Formula, Formulas } from './formula';
import { indexing } from './indexing';
import { linalg } from './linalg';
import { norm } from './norm';
import { reductions } from './reductions';
import { spectral } from './spectral';
import { views } from './views';

/**
 * One backward formula per differentiable op of the tensor package's op map (`OpAttrMap`): the
 * type lists every op, so one without a formula does not compile.
 */
export const FORMULAS: Formulas = {
  ...elementwise,
  ...reductions,
  ...views,
  ...indexing,
  ...linalg,
  ...norm,
  ...decompositions,
  ...spectral,
  ...complexGrads,
};

/**
 * The formula for a recorded op. The map makes one exist for every differentiable op; an op
 * only the map calls non-differentiable (bool and integer results) gets no node, so reaching
 * here with one is the tensor package recording a float result under a wrong name.
 */
export function formulaFor(op: OpName): Formula {
  const formula = (FORMULAS as Partial<Record<OpName, Formula>>)[op];
  if (!formula) throw new AutogradError(`the derivative for '${op}' is not implemented.`);
  return formula;
}
