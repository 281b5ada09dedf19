import { ValueError } from '@tensile/tensor';

export interface WeightsOption {
  /**
   * Always null: Tensile downloads no pretrained weights. Convert torchvision's state dict to a
   * safetensors file in Python and load it with @tensile/serialize's `load` and `loadStateDict`.
   */
  weights?: null;
}

export function checkWeights(weights: unknown): void {
  if (weights != null)
    throw new ValueError(
      `weights=${JSON.stringify(weights)}: Tensile downloads no pretrained weights; build the model with weights: null and load a converted state dict (@tensile/serialize's load, then model.loadStateDict)`,
    );
}

export function checkNumClasses(model: string, numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new ValueError(`${model}: numClasses must be a positive integer, got ${numClasses}`);
}
