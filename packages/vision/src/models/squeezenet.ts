/** torchvision's SqueezeNet 1.0 and 1.1: fire modules (a 1x1 squeeze, then 1x1 and 3x3 expands). */
import {
  AdaptiveAvgPool2d,
  Conv2d,
  Dropout,
  init,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
} from '@tensile/nn';
import { cat, type Tensor, ValueError } from '@tensile/tensor';
import { applyWeights, checkNumClasses, type WeightsOption } from './weights';

/** A squeeze to few channels, then 1x1 and 3x3 expansions concatenated (torchvision's Fire). */
export class Fire extends Module {
  readonly squeeze: Conv2d;
  readonly squeeze_activation = new ReLU(true);
  readonly expand1x1: Conv2d;
  readonly expand1x1_activation = new ReLU(true);
  readonly expand3x3: Conv2d;
  readonly expand3x3_activation = new ReLU(true);

  constructor(
    readonly inplanes: number,
    squeezePlanes: number,
    expand1x1Planes: number,
    expand3x3Planes: number,
  ) {
    super();
    this.squeeze = new Conv2d(inplanes, squeezePlanes, 1);
    this.expand1x1 = new Conv2d(squeezePlanes, expand1x1Planes, 1);
    this.expand3x3 = new Conv2d(squeezePlanes, expand3x3Planes, 3, { padding: 1 });
  }

  override forward(x: Tensor): Tensor {
    const s = this.squeeze_activation.forward(this.squeeze.forward(x));
    return cat(
      [
        this.expand1x1_activation.forward(this.expand1x1.forward(s)),
        this.expand3x3_activation.forward(this.expand3x3.forward(s)),
      ],
      1,
    );
  }
}

export interface SqueezeNetOptions {
  numClasses?: number;
  dropout?: number;
}

const pool = () => new MaxPool2d(3, { stride: 2, ceilMode: true });
const relu = () => new ReLU(true);

export class SqueezeNet extends Module {
  readonly features: Sequential;
  readonly classifier: Sequential;

  constructor(
    readonly version: '1_0' | '1_1' = '1_0',
    { numClasses = 1000, dropout = 0.5 }: SqueezeNetOptions = {},
  ) {
    super();
    checkNumClasses('squeezenet', numClasses);
    if (version === '1_0')
      this.features = new Sequential(
        new Conv2d(3, 96, 7, { stride: 2 }),
        relu(),
        pool(),
        new Fire(96, 16, 64, 64),
        new Fire(128, 16, 64, 64),
        new Fire(128, 32, 128, 128),
        pool(),
        new Fire(256, 32, 128, 128),
        new Fire(256, 48, 192, 192),
        new Fire(384, 48, 192, 192),
        new Fire(384, 64, 256, 256),
        pool(),
        new Fire(512, 64, 256, 256),
      );
    else if (version === '1_1')
      this.features = new Sequential(
        new Conv2d(3, 64, 3, { stride: 2 }),
        relu(),
        pool(),
        new Fire(64, 16, 64, 64),
        new Fire(128, 16, 64, 64),
        pool(),
        new Fire(128, 32, 128, 128),
        new Fire(256, 32, 128, 128),
        pool(),
        new Fire(256, 48, 192, 192),
        new Fire(384, 48, 192, 192),
        new Fire(384, 64, 256, 256),
        new Fire(512, 64, 256, 256),
      );
    else
      throw new ValueError(
        `Unsupported SqueezeNet version ${String(version)}: 1_0 or 1_1 expected`,
      );
    const finalConv = new Conv2d(512, numClasses, 1);
    this.classifier = new Sequential(
      new Dropout(dropout),
      finalConv,
      relu(),
      new AdaptiveAvgPool2d([1, 1]),
    );
    // torchvision's init: kaiming-uniform convolutions, the classifier's N(0, 0.01), zero biases.
    for (const m of this.modules()) {
      if (!(m instanceof Conv2d)) continue;
      if (m === finalConv) init.normal_(m.weight, 0, 0.01);
      else init.kaimingUniform_(m.weight);
      if (m.bias) init.constant_(m.bias, 0);
    }
  }

  override forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x)).flatten(1);
  }
}

export interface SqueezeNetFactoryOptions extends SqueezeNetOptions, WeightsOption {}

/** SqueezeNet 1.0: 1.25M parameters with 1000 classes. */
export function squeezenet1_0(opts: SqueezeNetFactoryOptions = {}): SqueezeNet {
  const { weights, ...rest } = opts;
  return applyWeights(new SqueezeNet('1_0', rest), weights);
}

/** SqueezeNet 1.1: 2.4x less computation than 1.0 for the same accuracy, 1.24M parameters. */
export function squeezenet1_1(opts: SqueezeNetFactoryOptions = {}): SqueezeNet {
  const { weights, ...rest } = opts;
  return applyWeights(new SqueezeNet('1_1', rest), weights);
}
