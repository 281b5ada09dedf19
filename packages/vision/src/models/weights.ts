import { readFileSync } from 'node:fs';
import type { Module, StateDict } from '@tensile/nn';
import { deserialize } from '@tensile/serialize';
import { ValueError } from '@tensile/tensor';

export interface WeightsOption {
  /**
   * Weights to start from: a state dict, or the path of a file holding one (.pt/.pth as
   * torch.save writes them, e.g. torchvision's own downloads, or .safetensors), loaded strictly
   * with torchvision's keys. Nothing is downloaded; null or absent means freshly initialized.
   */
  weights?: StateDict | string | null;
}

/** `model` with `weights` loaded (strictly), or as it is without them. */
export function applyWeights<M extends Module>(model: M, weights: WeightsOption['weights']): M {
  if (weights == null) return model;
  if (typeof weights === 'string') {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(weights);
    } catch (e) {
      throw new ValueError(
        `weights: cannot read ${weights} (${(e as Error).message}); Tensile downloads no weights, give a local .pt, .pth or .safetensors file`,
      );
    }
    model.loadStateDict(deserialize<StateDict>(bytes, { source: weights }));
  } else if (typeof weights === 'object') model.loadStateDict(weights);
  else
    throw new ValueError(
      `weights=${JSON.stringify(weights)}: expected a state dict or the path of a .pt, .pth or .safetensors file`,
    );
  return model;
}

export function checkNumClasses(model: string, numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new ValueError(`${model}: numClasses must be a positive integer, got ${numClasses}`);
}
