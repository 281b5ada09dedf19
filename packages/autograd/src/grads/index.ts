import { AutogradError } from '../errors';
import { decompositions } from './decompositions';
import { elementwise } from './elementwise';
import type { Formula } from './formula';
import { indexing } from './indexing';
import { linalg } from './linalg';
import { norm } from './norm';
import { reductions } from './reductions';
import { spectral } from './spectral';
import { views } from './views';

/** One backward formula per op name the tensor package records through `apply`. */
export const FORMULAS: Readonly<Record<string, Formula>> = {
  ...elementwise,
  ...reductions,
  ...views,
  ...indexing,
  ...linalg,
  ...norm,
  ...decompositions,
  ...spectral,
};

/**
 * The formula for `op`. An op without one (one the tensor package adds before autograd knows
 * it) still runs forward; the backward pass through it fails with PyTorch's message.
 */
export function formulaFor(op: string): Formula {
  return (
    FORMULAS[op] ?? {
      name: `${op[0].toUpperCase()}${op.slice(1)}Backward0`,
      backward: () => {
        throw new AutogradError(`the derivative for '${op}' is not implemented.`);
      },
    }
  );
}
