/**
 * torchvision's DenseNet-121/161/169/201: dense blocks whose layers each see every earlier
 * layer's features, joined by transitions that halve channels and resolution. The block
 * classes keep torchvision's names (_DenseLayer, ...) so the model prints as torchvision's.
 */
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  F,
  init,
  Linear,
  MaxPool2d,
  Module,
  ModuleDict,
  ReLU,
  Sequential,
} from '@tensile/nn';
import { cat, type Tensor } from '@tensile/tensor';
import { applyWeights, checkNumClasses, type WeightsOption } from './weights';

class _DenseLayer extends Module {
  readonly norm1: BatchNorm2d;
  readonly relu1 = new ReLU(true);
  readonly conv1: Conv2d;
  readonly norm2: BatchNorm2d;
  readonly relu2 = new ReLU(true);
  readonly conv2: Conv2d;

  constructor(
    inFeatures: number,
    growthRate: number,
    bnSize: number,
    readonly dropRate: number,
  ) {
    super();
    this.norm1 = new BatchNorm2d(inFeatures);
    this.conv1 = new Conv2d(inFeatures, bnSize * growthRate, 1, { bias: false });
    this.norm2 = new BatchNorm2d(bnSize * growthRate);
    this.conv2 = new Conv2d(bnSize * growthRate, growthRate, 3, { padding: 1, bias: false });
  }

  override forward(features: Tensor[]): Tensor {
    const x = this.conv1.forward(this.relu1.forward(this.norm1.forward(cat(features, 1))));
    const y = this.conv2.forward(this.relu2.forward(this.norm2.forward(x)));
    // F.dropout as torchvision applies it (no submodule: not in the printed form).
    return this.dropRate > 0 ? F.dropout(y, { p: this.dropRate, training: this.training }) : y;
  }
}

class _DenseBlock extends ModuleDict {
  constructor(
    layers: number,
    inFeatures: number,
    bnSize: number,
    growthRate: number,
    dropRate: number,
  ) {
    super();
    for (let i = 0; i < layers; i++)
      this.registerModule(
        `denselayer${i + 1}`,
        new _DenseLayer(inFeatures + i * growthRate, growthRate, bnSize, dropRate),
      );
  }

  override forward(init: Tensor): Tensor {
    const features = [init];
    for (const layer of this.children()) features.push((layer as _DenseLayer).forward(features));
    return cat(features, 1);
  }
}

class _Transition extends Sequential {
  constructor(inFeatures: number, outFeatures: number) {
    super({
      norm: new BatchNorm2d(inFeatures),
      relu: new ReLU(true),
      conv: new Conv2d(inFeatures, outFeatures, 1, { bias: false }),
      pool: new AvgPool2d(2, { stride: 2 }),
    });
  }
}

export { _DenseBlock as DenseBlock, _DenseLayer as DenseLayer, _Transition as Transition };

export interface DenseNetOptions {
  growthRate?: number;
  blockConfig?: readonly number[];
  numInitFeatures?: number;
  bnSize?: number;
  dropRate?: number;
  numClasses?: number;
}

export class DenseNet extends Module {
  readonly features: Sequential;
  readonly classifier: Linear;

  constructor({
    growthRate = 32,
    blockConfig = [6, 12, 24, 16],
    numInitFeatures = 64,
    bnSize = 4,
    dropRate = 0,
    numClasses = 1000,
  }: DenseNetOptions = {}) {
    super();
    checkNumClasses('densenet', numClasses);
    this.features = new Sequential({
      conv0: new Conv2d(3, numInitFeatures, 7, { stride: 2, padding: 3, bias: false }),
      norm0: new BatchNorm2d(numInitFeatures),
      relu0: new ReLU(true),
      pool0: new MaxPool2d(3, { stride: 2, padding: 1 }),
    });
    let features = numInitFeatures;
    blockConfig.forEach((layers, i) => {
      this.features.registerModule(
        `denseblock${i + 1}`,
        new _DenseBlock(layers, features, bnSize, growthRate, dropRate),
      );
      features += layers * growthRate;
      if (i !== blockConfig.length - 1) {
        this.features.registerModule(
          `transition${i + 1}`,
          new _Transition(features, features >> 1),
        );
        features >>= 1;
      }
    });
    this.features.registerModule('norm5', new BatchNorm2d(features));
    this.classifier = new Linear(features, numClasses);
    // torchvision's init: kaiming-normal convolutions, norms at 1 and 0, Linear biases 0.
    for (const m of this.modules()) {
      if (m instanceof Conv2d) init.kaimingNormal_(m.weight);
      else if (m instanceof BatchNorm2d) {
        if (m.weight) init.constant_(m.weight, 1);
        if (m.bias) init.constant_(m.bias, 0);
      } else if (m instanceof Linear && m.bias) init.constant_(m.bias, 0);
    }
  }

  override forward(x: Tensor): Tensor {
    const f = this.features.forward(x).relu();
    return this.classifier.forward(f.mean([2, 3]));
  }
}

export interface DenseNetFactoryOptions
  extends Omit<DenseNetOptions, 'growthRate' | 'blockConfig' | 'numInitFeatures'>,
    WeightsOption {}

function densenet(
  growthRate: number,
  blockConfig: number[],
  numInitFeatures: number,
  opts: DenseNetFactoryOptions,
): DenseNet {
  const { weights, ...rest } = opts;
  return applyWeights(new DenseNet({ ...rest, growthRate, blockConfig, numInitFeatures }), weights);
}

/** DenseNet-121: 8.0M parameters with 1000 classes. */
export const densenet121 = (opts: DenseNetFactoryOptions = {}) =>
  densenet(32, [6, 12, 24, 16], 64, opts);
/** DenseNet-161: 28.7M parameters. */
export const densenet161 = (opts: DenseNetFactoryOptions = {}) =>
  densenet(48, [6, 12, 36, 24], 96, opts);
/** DenseNet-169: 14.1M parameters. */
export const densenet169 = (opts: DenseNetFactoryOptions = {}) =>
  densenet(32, [6, 12, 32, 32], 64, opts);
/** DenseNet-201: 20.0M parameters. */
export const densenet201 = (opts: DenseNetFactoryOptions = {}) =>
  densenet(32, [6, 12, 48, 32], 64, opts);
