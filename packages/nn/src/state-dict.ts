import { noGrad, type Shape, TensileError, type Tensor } from '@tensile/tensor';
import type { Module } from './module';

/** Dotted names (`features.0.weight`, `bn1.running_mean`) to tensors, in module order. */
export type StateDict = Record<string, Tensor>;

/** Options of Module.loadStateDict (torch load_state_dict's keyword arguments). */
export interface LoadStateDictOptions {
  /** Missing and unexpected keys are an error (default true); shape mismatches always are. */
  strict?: boolean;
}

/** What Module.loadStateDict returns (torch's `_IncompatibleKeys`). */
export interface LoadStateDictResult {
  /**
   * Keys of the module that the loaded dict lacked; only non-empty with `strict: false`, which
   * leaves those tensors as they were.
   */
  missingKeys: string[];
  /**
   * Keys of the loaded dict that the module has no tensor for; only non-empty with `strict: false`,
   * which ignores them.
   */
  unexpectedKeys: string[];
}

/** Raised by loadStateDict with PyTorch's "Error(s) in loading state_dict for Net:" report. */
export class StateDictError extends TensileError {
  override name = 'StateDictError';
}

/** PyTorch's spelling of a shape in these messages. */
const torchSize = (shape: Shape) => `torch.Size([${shape.join(', ')}])`;

const quoted = (keys: string[]) => keys.map((k) => `"${k}"`).join(', ');

/** Checks everything first, then copies: a failed load leaves the module untouched. */
export function loadState(
  module: Module,
  own: StateDict,
  incoming: StateDict,
  opts: LoadStateDictOptions,
): LoadStateDictResult {
  const strict = opts.strict ?? true;
  const missingKeys = Object.keys(own).filter((k) => !(k in incoming));
  const unexpectedKeys = Object.keys(incoming).filter((k) => !(k in own));
  const errors: string[] = [];
  if (strict && unexpectedKeys.length > 0)
    errors.push(`Unexpected key(s) in state_dict: ${quoted(unexpectedKeys)}. `);
  if (strict && missingKeys.length > 0)
    errors.push(`Missing key(s) in state_dict: ${quoted(missingKeys)}. `);
  const copies: [Tensor, Tensor][] = [];
  for (const [key, target] of Object.entries(own)) {
    const src = incoming[key];
    if (src === undefined) continue;
    if (!isTensorLike(src)) {
      errors.push(
        `While copying the parameter named "${key}", expected a Tensor in the state dict, but got ${typeof src}.`,
      );
    } else if (src.shape.join() !== target.shape.join() || src.ndim !== target.ndim) {
      errors.push(
        `size mismatch for ${key}: copying a param with shape ${torchSize(src.shape)} from checkpoint, the shape in current model is ${torchSize(target.shape)}.`,
      );
    } else {
      copies.push([target, src]);
    }
  }
  if (errors.length > 0) {
    throw new StateDictError(
      `Error(s) in loading state_dict for ${module.constructor.name}:\n\t${errors.join('\n\t')}`,
    );
  }
  noGrad(() => {
    for (const [target, src] of copies) target.copy_(src);
  });
  return { missingKeys, unexpectedKeys };
}

function isTensorLike(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'shape' in x && 'copy_' in x;
}
