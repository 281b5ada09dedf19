import { models } from '@tensile/vision';

/** torchvision.models.resnet18(num_classes), as PyTorch's side of W6 builds it: @tensile/vision's. */
export class ResNet18 extends models.ResNet {
  constructor(numClasses: number) {
    super(models.BasicBlock, [2, 2, 2, 2], { numClasses });
  }
}
