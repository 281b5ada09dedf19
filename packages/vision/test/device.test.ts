import '@tensile/autograd';
import { Generator, listBackends, manualSeed, rand, randint, Tensor } from '@tensile/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ColorJitter,
  F,
  GaussianBlur,
  RandomAffine,
  RandomCrop,
  RandomErasing,
  RandomPerspective,
  RandomResizedCrop,
} from '../src';

manualSeed(7);
const FLOAT = rand([3, 8, 10]);
const UINT8 = randint(0, 256, [3, 8, 10], { dtype: 'uint8' });
const generator = () => new Generator(3);

const start: [number, number][] = [
  [0, 0],
  [9, 0],
  [9, 7],
  [0, 7],
];
const end: [number, number][] = [
  [1, 2],
  [8, 0],
  [9, 6],
  [2, 7],
];

/** [name, input, transform, differentiable in the image (as in torchvision)]. */
const CASES: [string, Tensor, (x: Tensor) => Tensor, boolean][] = [
  ['resize', FLOAT, (x) => F.resize(x, [5, 7]), true],
  ['resize bicubic uint8', UINT8, (x) => F.resize(x, [13, 6], { interpolation: 'bicubic' }), false],
  ['resize antialias', FLOAT, (x) => F.resize(x, [3, 4], { antialias: true }), true],
  ['pad constant', FLOAT, (x) => F.pad(x, [1, 2, 3, 4], { fill: 0.5 }), true],
  ['pad edge', FLOAT, (x) => F.pad(x, 2, { paddingMode: 'edge' }), true],
  ['pad reflect', FLOAT, (x) => F.pad(x, 2, { paddingMode: 'reflect' }), true],
  ['pad symmetric', FLOAT, (x) => F.pad(x, 2, { paddingMode: 'symmetric' }), true],
  ['crop', FLOAT, (x) => F.crop(x, -1, 2, 6, 10), true],
  ['centerCrop', FLOAT, (x) => F.centerCrop(x, [4, 12]), true],
  ['hflip', FLOAT, (x) => F.hflip(x), true],
  ['vflip', FLOAT, (x) => F.vflip(x), true],
  ['rotate', FLOAT, (x) => F.rotate(x, 30, { interpolation: 'bilinear', fill: [1, 2, 3] }), true],
  ['rotate uint8', UINT8, (x) => F.rotate(x, 30, { expand: true, fill: 9 }), false],
  ['affine', FLOAT, (x) => F.affine(x, 15, [2, -1], 1.2, [10, 5]), true],
  ['perspective', FLOAT, (x) => F.perspective(x, start, end), true],
  ['gaussianBlur', FLOAT, (x) => F.gaussianBlur(x, [3, 5]), true],
  ['gaussianBlur uint8', UINT8, (x) => F.gaussianBlur(x, 3), false],
  ['adjustBrightness', FLOAT, (x) => F.adjustBrightness(x, 1.3), true],
  ['adjustContrast', FLOAT, (x) => F.adjustContrast(x, 0.7), true],
  ['adjustSaturation', FLOAT, (x) => F.adjustSaturation(x, 0.7), true],
  ['adjustHue', FLOAT, (x) => F.adjustHue(x, 0.2), true],
  ['adjustGamma', FLOAT, (x) => F.adjustGamma(x, 2.2), true],
  ['adjustSharpness', FLOAT, (x) => F.adjustSharpness(x, 2), true],
  ['rgbToGrayscale', FLOAT, (x) => F.rgbToGrayscale(x), true],
  ['invert', FLOAT, (x) => F.invert(x), true],
  ['solarize', FLOAT, (x) => F.solarize(x, 0.5), true],
  ['autocontrast', FLOAT, (x) => F.autocontrast(x), true],
  ['posterize', UINT8, (x) => F.posterize(x, 3), false],
  ['equalize', UINT8, (x) => F.equalize(x), false],
  ['erase', FLOAT, (x) => F.erase(x, 1, 2, 3, 4, 0.5), true],
  ['normalize', FLOAT, (x) => F.normalize(x, [0.5, 0.4, 0.3], [0.2, 0.3, 0.4]), true],
  ['convertImageDtype', UINT8, (x) => F.convertImageDtype(x, 'float32'), false],
  [
    'ColorJitter',
    FLOAT,
    (x) =>
      new ColorJitter({
        brightness: 0.4,
        contrast: 0.4,
        saturation: 0.4,
        hue: 0.1,
        generator: generator(),
      }).call(x),
    true,
  ],
  [
    'GaussianBlur',
    UINT8,
    (x) => new GaussianBlur(3, { sigma: [0.5, 1], generator: generator() }).call(x),
    false,
  ],
  [
    'RandomCrop',
    FLOAT,
    (x) => new RandomCrop(8, { padding: 2, generator: generator() }).call(x),
    true,
  ],
  [
    'RandomResizedCrop',
    FLOAT,
    (x) => new RandomResizedCrop(6, { antialias: true, generator: generator() }).call(x),
    true,
  ],
  [
    'RandomAffine',
    FLOAT,
    (x) =>
      new RandomAffine(20, {
        translate: [0.1, 0.1],
        interpolation: 'bilinear',
        generator: generator(),
      }).call(x),
    true,
  ],
  [
    'RandomPerspective',
    UINT8,
    (x) => new RandomPerspective({ p: 1, generator: generator() }).call(x),
    false,
  ],
  [
    'RandomErasing',
    FLOAT,
    (x) => new RandomErasing({ p: 1, value: 'random', generator: generator() }).call(x),
    true,
  ],
];

afterEach(() => {
  vi.restoreAllMocks();
});

// Issue 22: the transforms used to copy the image to the host (dataSync), compute there and
// wrap the result as a new CPU tensor, so a gpu image came back on the CPU without a gradient.
describe('tensor transforms are tensor ops', () => {
  it.each(CASES)('%s never reads the image back to the host', (_, img, fn) => {
    const reads = vi.spyOn(Tensor.prototype, 'dataSync');
    const out = fn(img);
    // The ops' own checks may read a scalar (an index bound); an image never leaves its device.
    const bulk = reads.mock.contexts.filter((t) => (t as Tensor).numel() > 1);
    expect(bulk.map((t) => (t as Tensor).shape)).toEqual([]);
    expect(out.device).toBe(img.device);
  });

  it.each(CASES.filter((c) => c[3]))('%s carries the gradient to the image', (_, img, fn) => {
    const x = img.clone().requiresGrad_();
    const out = fn(x);
    expect(out.gradFn).not.toBeNull();
    out.sum().backward();
    expect(x.grad?.shape).toEqual(x.shape);
  });
});

// The vision project registers no gpu backend; a run that imports @tensile/backend-gpujs (and
// has its gl) checks here that the result stays on the gpu and matches the CPU's.
describe.skipIf(!listBackends().includes('gpu'))('on the gpu backend', () => {
  it.each(CASES)('%s keeps a gpu image on the gpu', (_, img, fn) => {
    const out = fn(img.to('gpu'));
    expect(out.device).toBe('gpu');
    const want = fn(img).to('float64');
    const diff = out.to('cpu').to('float64').sub(want).abs().max().item();
    expect(diff).toBeLessThanOrEqual(img.dtype === 'uint8' ? 1 : 1e-4);
  });
});
