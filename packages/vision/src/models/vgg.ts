/** torchvision's AlexNet and VGG (11/13/16/19, with and without batch norm). */
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  init,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
} from '@tensile/nn';
import type { Tensor } from '@tensile/tensor';
import { applyWeights, checkNumClasses, type WeightsOption } from './weights';

export interface ClassifierOptions {
  numClasses?: number;
  dropout?: number;
}

/** Features, an adaptive average pool to a fixed grid, then a fully connected classifier. */
abstract class PooledClassifier extends Module {
  abstract readonly features: Sequential;
  abstract readonly avgpool: AdaptiveAvgPool2d;
  abstract readonly classifier: Sequential;

  override forward(x: Tensor): Tensor {
    return this.classifier.forward(this.avgpool.forward(this.features.forward(x)).flatten(1));
  }
}

/** AlexNet as torchvision builds it (the "one weird trick" variant), PyTorch's default init. */
export class AlexNet extends PooledClassifier {
  readonly features: Sequential;
  readonly avgpool = new AdaptiveAvgPool2d([6, 6]);
  readonly classifier: Sequential;

  constructor({ numClasses = 1000, dropout = 0.5 }: ClassifierOptions = {}) {
    super();
    checkNumClasses('alexnet', numClasses);
    const pool = () => new MaxPool2d(3, { stride: 2 });
    this.features = new Sequential(
      new Conv2d(3, 64, 11, { stride: 4, padding: 2 }),
      new ReLU(true),
      pool(),
      new Conv2d(64, 192, 5, { padding: 2 }),
      new ReLU(true),
      pool(),
      new Conv2d(192, 384, 3, { padding: 1 }),
      new ReLU(true),
      new Conv2d(384, 256, 3, { padding: 1 }),
      new ReLU(true),
      new Conv2d(256, 256, 3, { padding: 1 }),
      new ReLU(true),
      pool(),
    );
    this.classifier = new Sequential(
      new Dropout(dropout),
      new Linear(256 * 6 * 6, 4096),
      new ReLU(true),
      new Dropout(dropout),
      new Linear(4096, 4096),
      new ReLU(true),
      new Linear(4096, numClasses),
    );
  }
}

/** VGG's configurations: output channels of each 3x3 convolution, 'M' for a 2x2 max pool. */
const CONFIGS: Record<'A' | 'B' | 'D' | 'E', (number | 'M')[]> = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [
    64,
    64,
    'M',
    128,
    128,
    'M',
    256,
    256,
    256,
    256,
    'M',
    512,
    512,
    512,
    512,
    'M',
    512,
    512,
    512,
    512,
    'M',
  ],
};

/** torchvision's make_layers: convolutions (with BatchNorm2d when asked), ReLU, max pools. */
export function makeLayers(config: readonly (number | 'M')[], batchNorm = false): Sequential {
  const layers: Module[] = [];
  let inChannels = 3;
  for (const v of config) {
    if (v === 'M') layers.push(new MaxPool2d(2, { stride: 2 }));
    else {
      layers.push(new Conv2d(inChannels, v, 3, { padding: 1 }));
      if (batchNorm) layers.push(new BatchNorm2d(v));
      layers.push(new ReLU(true));
      inChannels = v;
    }
  }
  return new Sequential(...layers);
}

export class VGG extends PooledClassifier {
  readonly avgpool = new AdaptiveAvgPool2d([7, 7]);
  readonly classifier: Sequential;

  constructor(
    readonly features: Sequential,
    {
      numClasses = 1000,
      dropout = 0.5,
      initWeights = true,
    }: ClassifierOptions & { initWeights?: boolean } = {},
  ) {
    super();
    checkNumClasses('vgg', numClasses);
    this.classifier = new Sequential(
      new Linear(512 * 7 * 7, 4096),
      new ReLU(true),
      new Dropout(dropout),
      new Linear(4096, 4096),
      new ReLU(true),
      new Dropout(dropout),
      new Linear(4096, numClasses),
    );
    if (!initWeights) return;
    // torchvision's init: kaiming-normal (fan_out, relu) convolutions, norms at 1 and 0,
    // N(0, 0.01) Linear weights, zero biases.
    for (const m of this.modules()) {
      if (m instanceof Conv2d) {
        init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        if (m.bias) init.constant_(m.bias, 0);
      } else if (m instanceof BatchNorm2d) {
        if (m.weight) init.constant_(m.weight, 1);
        if (m.bias) init.constant_(m.bias, 0);
      } else if (m instanceof Linear) {
        init.normal_(m.weight, 0, 0.01);
        if (m.bias) init.constant_(m.bias, 0);
      }
    }
  }
}

export interface ClassifierFactoryOptions extends ClassifierOptions, WeightsOption {}

/** AlexNet: 61.1M parameters with 1000 classes. */
export function alexnet(opts: ClassifierFactoryOptions = {}): AlexNet {
  const { weights, ...rest } = opts;
  return applyWeights(new AlexNet(rest), weights);
}

const vgg =
  (config: keyof typeof CONFIGS, batchNorm: boolean) =>
  (opts: ClassifierFactoryOptions = {}): VGG => {
    const { weights, ...rest } = opts;
    return applyWeights(new VGG(makeLayers(CONFIGS[config], batchNorm), rest), weights);
  };

/** VGG-11 (configuration A): 132.9M parameters. */
export const vgg11 = vgg('A', false);
export const vgg11_bn = vgg('A', true);
/** VGG-13 (configuration B): 133.0M parameters. */
export const vgg13 = vgg('B', false);
export const vgg13_bn = vgg('B', true);
/** VGG-16 (configuration D): 138.4M parameters. */
export const vgg16 = vgg('D', false);
export const vgg16_bn = vgg('D', true);
/** VGG-19 (configuration E): 143.7M parameters. */
export const vgg19 = vgg('E', false);
export const vgg19_bn = vgg('E', true);
