/**
 * Normalization, dropout, sparse, vision and distance layers against torch 1.13
 * (tools/fixtures/nn_layers.py).
 */
import '@tensile/autograd';
import { describe } from 'vitest';
import * as nn from '../src';
import { F, type Module } from '../src';
import {
  decode,
  type FixtureTensor,
  type ModuleCase,
  replayFunctions,
  replayModules,
} from './golden/replay';

// biome-ignore lint/suspicious/noExplicitAny: fixture arguments are plain JSON handed to each constructor.
type Any = any;
type Ctor = new (...args: Any[]) => Module;

/** Every layer here is `new Layer(...args, opts)`; fromPretrained is the one static factory. */
function build(c: ModuleCase): Module {
  if (c.ctor === 'Embedding.fromPretrained')
    return nn.Embedding.fromPretrained(decode(c.args[0] as FixtureTensor), c.opts);
  const ctor = (nn as unknown as Record<string, Ctor>)[c.ctor];
  return new ctor(...c.args, c.opts);
}

type Call = (a: Any[], o: Any) => unknown;
/** `Layer.forward`: the first args build the layer, the last is its input. */
const forwardOf =
  (name: string): Call =>
  (a, o) =>
    build({ ctor: name, args: a.slice(0, -1), opts: o } as ModuleCase).forward(a[a.length - 1]);
const constructorOf =
  (name: string): Call =>
  (a, o) =>
    build({ ctor: name, args: a, opts: o } as ModuleCase);

const fns: Record<string, Call> = {
  batchNorm: (a, o) => F.batchNorm(a[0], a[1], a[2], { ...o, weight: a[3], bias: a[4] }),
  instanceNorm: (a, o) => F.instanceNorm(a[0], o),
  layerNorm: (a, o) => F.layerNorm(a[0], o.normalizedShape, { ...o, weight: a[1], bias: a[2] }),
  groupNorm: (a, o) => F.groupNorm(a[0], o.numGroups, o),
  normalize: (a, o) => F.normalize(a[0], o),
  localResponseNorm: (a, o) => F.localResponseNorm(a[0], o.size, o),
  dropout: (a, o) => F.dropout(a[0], o),
  alphaDropout: (a, o) => F.alphaDropout(a[0], o),
  dropout1d: (a, o) => F.dropout1d(a[0], o),
  'Dropout.new': constructorOf('Dropout'),
  embedding: (a, o) => F.embedding(a[0], a[1], o),
  oneHot: (a, o) => F.oneHot(a[0], o.numClasses),
  'Embedding.forward': forwardOf('Embedding'),
  'Embedding.new': constructorOf('Embedding'),
  pad: (a, o) => F.pad(a[0], o.pad, o),
  interpolate: (a, o) => F.interpolate(a[0], o),
  pixelShuffle: (a, o) => F.pixelShuffle(a[0], o.upscaleFactor),
  pixelUnshuffle: (a, o) => F.pixelUnshuffle(a[0], o.downscaleFactor),
  cosineSimilarity: (a, o) => F.cosineSimilarity(a[0], a[1], o),
  pairwiseDistance: (a, o) =>
    F.pairwiseDistance(a[0], a[1], { ...o, p: o.p === 'inf' ? Number.POSITIVE_INFINITY : o.p }),
  pdist: (a, o) => F.pdist(a[0], o.p),
  'BatchNorm1d.forward': forwardOf('BatchNorm1d'),
  'BatchNorm2d.forward': forwardOf('BatchNorm2d'),
  'InstanceNorm1d.forward': forwardOf('InstanceNorm1d'),
  'GroupNorm.new': constructorOf('GroupNorm'),
};

describe('modules (torch 1.13 goldens)', () => replayModules('nn_layers.json', build));
describe('functions (torch 1.13 goldens)', () => replayFunctions('nn_layers.json', fns));
