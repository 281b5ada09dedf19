/** torchvision's MobileNetV2: inverted residual blocks of depthwise convolutions, ReLU6. */
import { BatchNorm2d, Conv2d, Dropout, init, Linear, Module, ReLU6, Sequential } from '@tensile/nn';
import type { Tensor } from '@tensile/tensor';
import { applyWeights, checkNumClasses, type WeightsOption } from './weights';

/** torchvision's _make_divisible: v rounded to a multiple of `divisor`, never 10% below v. */
export function makeDivisible(v: number, divisor: number, minValue = divisor): number {
  let out = Math.max(minValue, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
}

/** torchvision.ops.Conv2dNormActivation with BatchNorm2d and ReLU6: convolution, norm, activation. */
export class Conv2dNormActivation extends Sequential {
  constructor(
    inChannels: number,
    outChannels: number,
    opts: { kernelSize?: number; stride?: number; groups?: number } = {},
  ) {
    const kernelSize = opts.kernelSize ?? 3;
    super(
      new Conv2d(inChannels, outChannels, kernelSize, {
        stride: opts.stride ?? 1,
        padding: Math.floor((kernelSize - 1) / 2),
        groups: opts.groups ?? 1,
        bias: false,
      }),
      new BatchNorm2d(outChannels),
      new ReLU6(true),
    );
  }
}

/** An expansion 1x1, a depthwise 3x3 and a linear 1x1 projection, residual when shapes allow. */
export class InvertedResidual extends Module {
  readonly conv: Sequential;
  readonly useResConnect: boolean;

  constructor(inp: number, oup: number, stride: number, expandRatio: number) {
    super();
    const hidden = Math.round(inp * expandRatio);
    this.useResConnect = stride === 1 && inp === oup;
    const layers: Module[] = [];
    if (expandRatio !== 1) layers.push(new Conv2dNormActivation(inp, hidden, { kernelSize: 1 }));
    layers.push(
      new Conv2dNormActivation(hidden, hidden, { stride, groups: hidden }),
      new Conv2d(hidden, oup, 1, { bias: false }),
      new BatchNorm2d(oup),
    );
    this.conv = new Sequential(...layers);
  }

  override forward(x: Tensor): Tensor {
    const y = this.conv.forward(x);
    return this.useResConnect ? x.add(y) : y;
  }
}

export interface MobileNetV2Options {
  numClasses?: number;
  widthMult?: number;
  roundNearest?: number;
  dropout?: number;
}

/** [expansion t, channels c, repeats n, first stride s] per stage, as torchvision's. */
const SETTING = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

export class MobileNetV2 extends Module {
  readonly features: Sequential;
  readonly classifier: Sequential;
  readonly lastChannel: number;

  constructor({
    numClasses = 1000,
    widthMult = 1,
    roundNearest = 8,
    dropout = 0.2,
  }: MobileNetV2Options = {}) {
    super();
    checkNumClasses('mobilenet_v2', numClasses);
    let input = makeDivisible(32 * widthMult, roundNearest);
    this.lastChannel = makeDivisible(1280 * Math.max(1, widthMult), roundNearest);
    const features: Module[] = [new Conv2dNormActivation(3, input, { stride: 2 })];
    for (const [t, c, n, s] of SETTING) {
      const output = makeDivisible(c * widthMult, roundNearest);
      for (let i = 0; i < n; i++) {
        features.push(new InvertedResidual(input, output, i === 0 ? s : 1, t));
        input = output;
      }
    }
    features.push(new Conv2dNormActivation(input, this.lastChannel, { kernelSize: 1 }));
    this.features = new Sequential(...features);
    this.classifier = new Sequential(
      new Dropout(dropout),
      new Linear(this.lastChannel, numClasses),
    );
    // torchvision's init: kaiming-normal (fan_out) convolutions, norms at 1 and 0, N(0, 0.01) Linear.
    for (const m of this.modules()) {
      if (m instanceof Conv2d) {
        init.kaimingNormal_(m.weight, { mode: 'fan_out' });
        if (m.bias) init.zeros_(m.bias);
      } else if (m instanceof BatchNorm2d) {
        if (m.weight) init.ones_(m.weight);
        if (m.bias) init.zeros_(m.bias);
      } else if (m instanceof Linear) {
        init.normal_(m.weight, 0, 0.01);
        if (m.bias) init.zeros_(m.bias);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    const f = this.features.forward(x);
    return this.classifier.forward(f.mean([2, 3]));
  }
}

export interface MobileNetV2FactoryOptions extends MobileNetV2Options, WeightsOption {}

/** MobileNetV2: 3.5M parameters with 1000 classes. */
export function mobilenet_v2(opts: MobileNetV2FactoryOptions = {}): MobileNetV2 {
  const { weights, ...rest } = opts;
  return applyWeights(new MobileNetV2(rest), weights);
}
