/**
 * torchvision.models for Tensile: the ResNet family, SqueezeNet and LeNet-5, with torchvision's
 * names, options, initialization and state dict keys. No weights are downloaded; `weights`
 * takes a state dict or a local .pt/.pth/.safetensors file (see WeightsOption).
 */
export {
  DenseBlock,
  DenseLayer,
  DenseNet,
  type DenseNetFactoryOptions,
  type DenseNetOptions,
  densenet121,
  densenet161,
  densenet169,
  densenet201,
  Transition,
} from './densenet';
export { type LeNet5Options, lenet5 } from './lenet';
export {
  Conv2dNormActivation,
  InvertedResidual,
  MobileNetV2,
  type MobileNetV2FactoryOptions,
  type MobileNetV2Options,
  makeDivisible,
  mobilenet_v2,
} from './mobilenet';
export {
  BasicBlock,
  type Block,
  type BlockOptions,
  Bottleneck,
  type NormLayer,
  ResNet,
  type ResNetFactoryOptions,
  type ResNetOptions,
  resnet18,
  resnet34,
  resnet50,
  resnet101,
  resnet152,
  resnext50_32x4d,
  resnext101_32x8d,
  resnext101_64x4d,
  wideResnet50_2,
  wideResnet101_2,
} from './resnet';
export {
  Fire,
  SqueezeNet,
  type SqueezeNetFactoryOptions,
  type SqueezeNetOptions,
  squeezenet1_0,
  squeezenet1_1,
} from './squeezenet';
export {
  AlexNet,
  alexnet,
  type ClassifierFactoryOptions,
  type ClassifierOptions,
  makeLayers,
  VGG,
  vgg11,
  vgg11_bn,
  vgg13,
  vgg13_bn,
  vgg16,
  vgg16_bn,
  vgg19,
  vgg19_bn,
} from './vgg';
export type { WeightsOption } from './weights';
