import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  Linear,
  MaxPool2d,
  Module,
  Sequential,
} from '@tensile/nn';
import type { Tensor } from '@tensile/tensor';

const conv3x3 = (inPlanes: number, planes: number, stride = 1) =>
  new Conv2d(inPlanes, planes, 3, { stride, padding: 1, bias: false });

/** torchvision's BasicBlock: two 3x3 convolutions with BatchNorm and an identity (or 1x1) shortcut. */
class BasicBlock extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  downsample: Sequential | null = null;

  constructor(inPlanes: number, planes: number, stride: number) {
    super();
    this.conv1 = conv3x3(inPlanes, planes, stride);
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new BatchNorm2d(planes);
    if (stride !== 1 || inPlanes !== planes)
      this.downsample = new Sequential(
        new Conv2d(inPlanes, planes, 1, { stride, bias: false }),
        new BatchNorm2d(planes),
      );
  }

  override forward(x: Tensor): Tensor {
    const identity = this.downsample ? (this.downsample.forward(x) as Tensor) : x;
    const out = this.bn1.forward(this.conv1.forward(x)).relu();
    return this.bn2.forward(this.conv2.forward(out)).add(identity).relu();
  }
}

/** A stage of ResNet: `blocks` BasicBlocks, the first one strided. */
const layer = (inPlanes: number, planes: number, blocks: number, stride: number) =>
  new Sequential(
    ...Array.from({ length: blocks }, (_, i) =>
      i === 0 ? new BasicBlock(inPlanes, planes, stride) : new BasicBlock(planes, planes, 1),
    ),
  );

/**
 * torchvision.models.resnet18(num_classes): 7x7/2 stem, 3x3/2 max-pool, four stages of two
 * BasicBlocks (64, 128, 256, 512 channels), global average pool, fully connected.
 */
export class ResNet18 extends Module {
  conv1 = new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false });
  bn1 = new BatchNorm2d(64);
  maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
  layer1 = layer(64, 64, 2, 1);
  layer2 = layer(64, 128, 2, 2);
  layer3 = layer(128, 256, 2, 2);
  layer4 = layer(256, 512, 2, 2);
  avgpool = new AdaptiveAvgPool2d([1, 1]);
  fc: Linear;

  constructor(numClasses: number) {
    super();
    this.fc = new Linear(512, numClasses);
  }

  override forward(x: Tensor): Tensor {
    x = this.maxpool.forward(this.bn1.forward(this.conv1.forward(x)).relu()) as Tensor;
    for (const stage of [this.layer1, this.layer2, this.layer3, this.layer4])
      x = stage.forward(x) as Tensor;
    return this.fc.forward((this.avgpool.forward(x) as Tensor).flatten(1));
  }
}
