/**
 * torchvision.models.resnet: ResNet (He et al., 2015) with torchvision 0.14's blocks, options,
 * initialization and module names, so a state dict converted from torchvision loads unchanged.
 */
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  GroupNorm,
  init,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
} from '@tensile/nn';
import { type Tensor, ValueError } from '@tensile/tensor';
import { applyWeights, checkNumClasses, type WeightsOption } from './weights';

/** Makes the normalization layer of a block (torchvision's norm_layer); BatchNorm2d by default. */
export type NormLayer = (numFeatures: number) => Module;

const batchNorm: NormLayer = (n) => new BatchNorm2d(n);

export interface BlockOptions {
  stride?: number;
  /** Brings the input to the block's output shape for the shortcut (a 1x1 conv and a norm). */
  downsample?: Module | null;
  groups?: number;
  baseWidth?: number;
  dilation?: number;
  normLayer?: NormLayer;
}

/** 3x3 convolution with padding (torchvision's conv3x3). */
const conv3x3 = (inPlanes: number, outPlanes: number, stride = 1, groups = 1, dilation = 1) =>
  new Conv2d(inPlanes, outPlanes, 3, { stride, padding: dilation, groups, dilation, bias: false });

/** 1x1 convolution (torchvision's conv1x1). */
const conv1x1 = (inPlanes: number, outPlanes: number, stride = 1) =>
  new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });

/** relu(out + shortcut), the shortcut being x or downsample(x). */
function residual(out: Tensor, x: Tensor, downsample: Module | null, relu: ReLU): Tensor {
  const identity: Tensor = downsample ? downsample.forward(x) : x;
  return relu.forward(out.add(identity));
}

/** Two 3x3 convolutions (ResNet-18/34). */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  conv1: Conv2d;
  bn1: Module;
  relu: ReLU;
  conv2: Conv2d;
  bn2: Module;
  downsample: Module | null;
  readonly stride: number;

  constructor(inPlanes: number, planes: number, opts: BlockOptions = {}) {
    super();
    const { stride = 1, groups = 1, baseWidth = 64, dilation = 1, normLayer = batchNorm } = opts;
    if (groups !== 1 || baseWidth !== 64)
      throw new ValueError(
        `BasicBlock only supports groups=1 and base_width=64 (got groups=${groups}, base_width=${baseWidth})`,
      );
    if (dilation > 1)
      throw new ValueError(`Dilation > 1 not supported in BasicBlock (got dilation=${dilation})`);
    this.conv1 = conv3x3(inPlanes, planes, stride);
    this.bn1 = normLayer(planes);
    this.relu = new ReLU(true);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = normLayer(planes);
    this.downsample = opts.downsample ?? null;
    this.stride = stride;
  }

  override forward(x: Tensor): Tensor {
    let out = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
    out = this.bn2.forward(this.conv2.forward(out));
    return residual(out, x, this.downsample, this.relu);
  }
}

/**
 * 1x1, 3x3 (strided, grouped), 1x1 convolutions, 4x wider out than in (ResNet-50 and deeper);
 * the stride sits on the 3x3 convolution, as in torchvision's "ResNet V1.5".
 */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  conv1: Conv2d;
  bn1: Module;
  conv2: Conv2d;
  bn2: Module;
  conv3: Conv2d;
  bn3: Module;
  relu: ReLU;
  downsample: Module | null;
  readonly stride: number;

  constructor(inPlanes: number, planes: number, opts: BlockOptions = {}) {
    super();
    const { stride = 1, groups = 1, baseWidth = 64, dilation = 1, normLayer = batchNorm } = opts;
    const width = Math.trunc(planes * (baseWidth / 64)) * groups;
    this.conv1 = conv1x1(inPlanes, width);
    this.bn1 = normLayer(width);
    this.conv2 = conv3x3(width, width, stride, groups, dilation);
    this.bn2 = normLayer(width);
    this.conv3 = conv1x1(width, planes * Bottleneck.expansion);
    this.bn3 = normLayer(planes * Bottleneck.expansion);
    this.relu = new ReLU(true);
    this.downsample = opts.downsample ?? null;
    this.stride = stride;
  }

  override forward(x: Tensor): Tensor {
    let out = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
    out = this.relu.forward(this.bn2.forward(this.conv2.forward(out)));
    out = this.bn3.forward(this.conv3.forward(out));
    return residual(out, x, this.downsample, this.relu);
  }
}

/** BasicBlock or Bottleneck (or a block of the same shape): its class, with its expansion. */
export interface Block {
  readonly expansion: number;
  new (inPlanes: number, planes: number, opts?: BlockOptions): Module;
}

export interface ResNetOptions {
  numClasses?: number;
  /** Starts the last norm of every residual branch at weight 0, so each block begins as the identity. */
  zeroInitResidual?: boolean;
  groups?: number;
  widthPerGroup?: number;
  /** For layer2..layer4: dilate instead of striding (for dense prediction). */
  replaceStrideWithDilation?: readonly [boolean, boolean, boolean];
  normLayer?: NormLayer;
}

/**
 * torchvision.models.ResNet: a 7x7/2 stem, a 3x3/2 max pool, four stages (layer1..layer4) of
 * blocks at 64, 128, 256, 512 planes, global average pooling and a fully connected layer.
 * Convolutions start from kaiming_normal_(fan_out, relu), norms at weight 1 and bias 0.
 */
export class ResNet extends Module {
  conv1: Conv2d;
  bn1: Module;
  relu: ReLU;
  maxpool: MaxPool2d;
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  layer4: Sequential;
  avgpool: AdaptiveAvgPool2d;
  fc: Linear;

  constructor(block: Block, layers: readonly number[], opts: ResNetOptions = {}) {
    super();
    const { numClasses = 1000, groups = 1, widthPerGroup = 64, normLayer = batchNorm } = opts;
    checkNumClasses('ResNet', numClasses);
    if (layers.length !== 4 || !layers.every((n) => Number.isInteger(n) && n > 0))
      throw new ValueError(
        `ResNet: layers should be 4 positive block counts, got [${layers.join(', ')}]`,
      );
    const dilate = opts.replaceStrideWithDilation ?? [false, false, false];
    if (dilate.length !== 3)
      throw new ValueError(
        `replace_stride_with_dilation should be None or a 3-element tuple, got [${dilate.join(', ')}]`,
      );
    // torchvision's self.inplanes and self.dilation, which _make_layer advances stage by stage.
    let inPlanes = 64;
    let dilation = 1;
    const makeLayer = (planes: number, blocks: number, stride = 1, dilateStage = false) => {
      const previousDilation = dilation;
      if (dilateStage) {
        dilation *= stride;
        stride = 1;
      }
      const outPlanes = planes * block.expansion;
      const downsample =
        stride !== 1 || inPlanes !== outPlanes
          ? new Sequential(conv1x1(inPlanes, outPlanes, stride), normLayer(outPlanes))
          : null;
      const common = { groups, baseWidth: widthPerGroup, normLayer };
      const first = new block(inPlanes, planes, {
        ...common,
        stride,
        downsample,
        dilation: previousDilation,
      });
      inPlanes = outPlanes;
      const rest = Array.from(
        { length: blocks - 1 },
        () => new block(inPlanes, planes, { ...common, dilation }),
      );
      return new Sequential(first, ...rest);
    };

    this.conv1 = new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = normLayer(64);
    this.relu = new ReLU(true);
    this.maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
    this.layer1 = makeLayer(64, layers[0]);
    this.layer2 = makeLayer(128, layers[1], 2, dilate[0]);
    this.layer3 = makeLayer(256, layers[2], 2, dilate[1]);
    this.layer4 = makeLayer(512, layers[3], 2, dilate[2]);
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.fc = new Linear(512 * block.expansion, numClasses);
    this.initWeights(opts.zeroInitResidual ?? false);
  }

  private initWeights(zeroInitResidual: boolean): void {
    for (const m of this.modules()) {
      if (m instanceof Conv2d) {
        init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      } else if ((m instanceof BatchNorm2d || m instanceof GroupNorm) && m.weight && m.bias) {
        init.constant_(m.weight, 1);
        init.constant_(m.bias, 0);
      }
    }
    if (!zeroInitResidual) return;
    for (const m of this.modules()) {
      const last = m instanceof Bottleneck ? m.bn3 : m instanceof BasicBlock ? m.bn2 : null;
      const weight = (last as { weight?: Tensor | null } | null)?.weight;
      if (weight) init.constant_(weight, 0);
    }
  }

  override forward(x: Tensor): Tensor {
    x = this.maxpool.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x)))) as Tensor;
    x = this.layer4.forward(this.layer3.forward(this.layer2.forward(this.layer1.forward(x))));
    return this.fc.forward(this.avgpool.forward(x).flatten(1));
  }
}

export interface ResNetFactoryOptions extends ResNetOptions, WeightsOption {}

function resnet(block: Block, layers: readonly number[], opts: ResNetFactoryOptions): ResNet {
  const { weights, ...rest } = opts;
  return applyWeights(new ResNet(block, layers, rest), weights);
}

/** ResNeXt and Wide ResNet fix groups and width (torchvision's _ovewrite_named_param). */
function fixed(
  opts: ResNetFactoryOptions,
  values: Pick<ResNetOptions, 'groups' | 'widthPerGroup'>,
): ResNetFactoryOptions {
  for (const [key, value] of Object.entries(values)) {
    const given = opts[key as keyof typeof values];
    if (given !== undefined && given !== value)
      throw new ValueError(
        `The parameter '${key}' expected value ${value} but got ${given} instead.`,
      );
  }
  return { ...opts, ...values };
}

/** ResNet-18: BasicBlocks [2, 2, 2, 2], 11.7M parameters with 1000 classes. */
export const resnet18 = (opts: ResNetFactoryOptions = {}): ResNet =>
  resnet(BasicBlock, [2, 2, 2, 2], opts);

/** ResNet-34: BasicBlocks [3, 4, 6, 3]. */
export const resnet34 = (opts: ResNetFactoryOptions = {}): ResNet =>
  resnet(BasicBlock, [3, 4, 6, 3], opts);

/** ResNet-50: Bottlenecks [3, 4, 6, 3], 25.6M parameters with 1000 classes. */
export const resnet50 = (opts: ResNetFactoryOptions = {}): ResNet =>
  resnet(Bottleneck, [3, 4, 6, 3], opts);

/** ResNet-101: Bottlenecks [3, 4, 23, 3]. */
export const resnet101 = (opts: ResNetFactoryOptions = {}): ResNet =>
  resnet(Bottleneck, [3, 4, 23, 3], opts);

/** ResNet-152: Bottlenecks [3, 8, 36, 3]. */
export const resnet152 = (opts: ResNetFactoryOptions = {}): ResNet =>
  resnet(Bottleneck, [3, 8, 36, 3], opts);

/** ResNeXt-50 32x4d: ResNet-50 with 32 groups of width 4 in every 3x3 convolution. */
export const resnext50_32x4d = (opts: ResNetFactoryOptions = {}): ResNet =>
  resnet(Bottleneck, [3, 4, 6, 3], fixed(opts, { groups: 32, widthPerGroup: 4 }));

/** ResNeXt-101 32x8d. */
export const resnext101_32x8d = (opts: ResNetFactoryOptions = {}): ResNet =>
  resnet(Bottleneck, [3, 4, 23, 3], fixed(opts, { groups: 32, widthPerGroup: 8 }));

/** ResNeXt-101 64x4d. */
export const resnext101_64x4d = (opts: ResNetFactoryOptions = {}): ResNet =>
  resnet(Bottleneck, [3, 4, 23, 3], fixed(opts, { groups: 64, widthPerGroup: 4 }));

/** Wide ResNet-50-2: ResNet-50 with bottlenecks twice as wide (the outer 1x1 widths unchanged). */
export const wideResnet50_2 = (opts: ResNetFactoryOptions = {}): ResNet =>
  resnet(Bottleneck, [3, 4, 6, 3], fixed(opts, { widthPerGroup: 128 }));

/** Wide ResNet-101-2. */
export const wideResnet101_2 = (opts: ResNetFactoryOptions = {}): ResNet =>
  resnet(Bottleneck, [3, 4, 23, 3], fixed(opts, { widthPerGroup: 128 }));
