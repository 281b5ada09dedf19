/** Linear, activations, convolutions, pooling and losses against torch 1.13 (tools/fixtures/nn_core.py). */
import '@tensile/autograd';
import { type Tensor, tensor } from '@tensile/tensor';
import { describe } from 'vitest';
import {
  Bilinear,
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  CrossEntropyLoss,
  F,
  Linear,
  MaxPool2d,
  MaxUnpool2d,
  type Module,
  PReLU,
} from '../src';
import { type ModuleCase, replayFunctions, replayModules } from './golden/replay';

// biome-ignore lint/suspicious/noExplicitAny: fixture options are plain JSON handed to each constructor.
type Opts = any;
const ctors: Record<string, (c: ModuleCase) => Module> = {
  Linear: (c) => new Linear(...(c.args as [number, number]), c.opts),
  Bilinear: (c) => new Bilinear(...(c.args as [number, number, number]), c.opts),
  PReLU: (c) => new PReLU(c.args[0] as number),
  Conv2d: (c) => new Conv2d(...(c.args as [number, number, number]), c.opts as Opts),
  Conv1d: (c) => new Conv1d(...(c.args as [number, number, number]), c.opts as Opts),
  ConvTranspose2d: (c) =>
    new ConvTranspose2d(...(c.args as [number, number, number]), c.opts as Opts),
  ConvTranspose1d: (c) =>
    new ConvTranspose1d(...(c.args as [number, number, number]), c.opts as Opts),
  MaxPool2d: (c) => new MaxPool2d(c.args[0] as number, c.opts),
  MaxUnpool2d: (c) => new MaxUnpool2d(c.args[0] as number, c.opts),
  CrossEntropyLoss: (c) =>
    new CrossEntropyLoss({ weight: tensor(c.opts.weight as number[], { dtype: 'float32' }) }),
};

type Call = (a: Opts[], o: Opts) => unknown;
const unary =
  (f: (x: Tensor) => Tensor): Call =>
  (a) =>
    f(a[0]);
const fns: Record<string, Call> = {
  relu: unary(F.relu),
  relu6: unary(F.relu6),
  elu: (a, o) => F.elu(a[0], o.alpha),
  selu: unary(F.selu),
  celu: (a, o) => F.celu(a[0], o.alpha),
  gelu: (a, o) => F.gelu(a[0], o),
  silu: unary(F.silu),
  mish: unary(F.mish),
  sigmoid: unary(F.sigmoid),
  tanh: unary(F.tanh),
  hardtanh: (a, o) => F.hardtanh(a[0], o.minVal, o.maxVal),
  hardswish: unary(F.hardswish),
  hardsigmoid: unary(F.hardsigmoid),
  leakyRelu: (a, o) => F.leakyRelu(a[0], o.negativeSlope),
  softplus: (a, o) => F.softplus(a[0], o),
  logsigmoid: unary(F.logsigmoid),
  softsign: unary(F.softsign),
  tanhshrink: unary(F.tanhshrink),
  hardshrink: (a, o) => F.hardshrink(a[0], o.lambd),
  softshrink: (a, o) => F.softshrink(a[0], o.lambd),
  threshold: (a, o) => F.threshold(a[0], o.threshold, o.value),
  softmax: (a, o) => F.softmax(a[0], o),
  logSoftmax: (a, o) => F.logSoftmax(a[0], o),
  softmin: (a, o) => F.softmin(a[0], o),
  glu: (a, o) => F.glu(a[0], o.dim),
  conv2d: (a, o) => F.conv2d(a[0], a[1], a[2], o),
  unfold: (a, o) => F.unfold(a[0], o.kernelSize, o),
  fold: (a, o) => F.fold(a[0], o.outputSize, o.kernelSize, o),
  maxPool2d: (a, o) => F.maxPool2d(a[0], o.kernelSize, o),
  maxUnpool2d: (a, o) => F.maxUnpool2d(a[0], a[1], o.kernelSize, o),
  maxUnpool1d: (a, o) => F.maxUnpool1d(a[0], a[1], o.kernelSize, o),
  maxPool2dWithIndices: (a, o) => F.maxPool2dWithIndices(a[0], o.kernelSize, o),
  maxPool1dWithIndices: (a, o) => F.maxPool1dWithIndices(a[0], o.kernelSize, o),
  avgPool2d: (a, o) => F.avgPool2d(a[0], o.kernelSize, o),
  avgPool1d: (a, o) => F.avgPool1d(a[0], o.kernelSize, o),
  adaptiveAvgPool2d: (a, o) => F.adaptiveAvgPool2d(a[0], o.outputSize),
  adaptiveAvgPool1d: (a, o) => F.adaptiveAvgPool1d(a[0], o.outputSize),
  adaptiveMaxPool2dWithIndices: (a, o) => F.adaptiveMaxPool2dWithIndices(a[0], o.outputSize),
  adaptiveMaxPool1dWithIndices: (a, o) => F.adaptiveMaxPool1dWithIndices(a[0], o.outputSize),
  mseLoss: (a, o) => F.mseLoss(a[0], a[1], o),
  l1Loss: (a, o) => F.l1Loss(a[0], a[1], o),
  smoothL1Loss: (a, o) => F.smoothL1Loss(a[0], a[1], o),
  huberLoss: (a, o) => F.huberLoss(a[0], a[1], o),
  crossEntropy: (a, o) => F.crossEntropy(a[0], a[1], { ...o, weight: a[2] }),
  nllLoss: (a, o) => F.nllLoss(a[0], a[1], { ...o, weight: a[2] }),
  binaryCrossEntropy: (a, o) => F.binaryCrossEntropy(a[0], a[1], { ...o, weight: a[2] }),
  binaryCrossEntropyWithLogits: (a, o) =>
    F.binaryCrossEntropyWithLogits(a[0], a[1], { ...o, posWeight: a[2] }),
  klDiv: (a, o) => F.klDiv(a[0], a[1], o),
  marginRankingLoss: (a, o) => F.marginRankingLoss(a[0], a[1], a[2], o),
  cosineEmbeddingLoss: (a, o) => F.cosineEmbeddingLoss(a[0], a[1], a[2], o),
  tripletMarginLoss: (a, o) => F.tripletMarginLoss(a[0], a[1], a[2], o),
  hingeEmbeddingLoss: (a, o) => F.hingeEmbeddingLoss(a[0], a[1], o),
  softMarginLoss: (a, o) => F.softMarginLoss(a[0], a[1], o),
};

describe('modules (torch 1.13 goldens)', () =>
  replayModules('nn_core.json', (c) => ctors[c.ctor](c)));
describe('functions (torch 1.13 goldens)', () => replayFunctions('nn_core.json', fns));
