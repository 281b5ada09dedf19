import '@tensile/autograd';
import { arange, Generator, rand, type Tensor, tensor, zeros } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import {
  CenterCrop,
  ColorJitter,
  Compose,
  ConvertImageDtype,
  F,
  FiveCrop,
  GaussianBlur,
  Grayscale,
  type Image,
  Lambda,
  Normalize,
  Pad,
  PILToTensor,
  RandomAffine,
  RandomApply,
  RandomChoice,
  RandomCrop,
  RandomErasing,
  RandomGrayscale,
  RandomHorizontalFlip,
  RandomOrder,
  RandomPerspective,
  RandomResizedCrop,
  RandomRotation,
  RandomVerticalFlip,
  Resize,
  TenCrop,
  ToImage,
  ToTensor,
  type Transform,
} from '../src';

const values = (t: Tensor) => Array.from(t.dataSync());
const img = (c = 3, h = 8, w = 10) =>
  arange(c * h * w)
    .remainder(256)
    .to('uint8')
    .reshape([c, h, w]);

describe('ToTensor / ToImage / PILToTensor', () => {
  it('turns an HWC Image into CHW float in [0, 1] and back', () => {
    const image: Image = {
      width: 2,
      height: 1,
      channels: 3,
      data: Uint8Array.from([0, 51, 255, 102, 153, 204]),
    };
    const t = new ToTensor().call(image);
    expect(t.shape).toEqual([3, 1, 2]);
    expect(t.dtype).toBe('float32');
    expect(values(t)).toEqual([0, 0.4, 0.2, 0.6, 1, 0.8].map((v) => Math.fround(v)));
    expect(new ToImage().call(t)).toEqual(image);
    expect(values(new PILToTensor().call(image))).toEqual([0, 102, 51, 153, 255, 204]);
  });

  it('scales uint8 tensors, leaves float tensors, and truncates floats when making an Image', () => {
    expect(values(new ToTensor().call(tensor([[[255, 0]]], { dtype: 'uint8' })))).toEqual([1, 0]);
    const f = tensor([[[0.5]]]);
    expect(new ToTensor().call(f)).toBe(f);
    expect(new ToImage().call(tensor([[[0.999, 1.5, -1]]])).data).toEqual(
      Uint8Array.from([254, 255, 0]),
    );
    expect(() => new ToImage({ mode: 'RGB' }).call(tensor([[[0.5]]]))).toThrow(
      /mode RGB needs 3 channels/,
    );
  });

  it('ConvertImageDtype and Normalize', () => {
    expect(
      values(new ConvertImageDtype('float32').call(tensor([[[255]]], { dtype: 'uint8' }))),
    ).toEqual([1]);
    const out = new Normalize([0.5, 0.25], [0.5, 0.5]).call(tensor([[[1]], [[0.25]]]));
    expect(values(out)).toEqual([1, 0]);
    expect(() => new Normalize([0.5], [0]).call(tensor([[[1]]], { dtype: 'float32' }))).toThrow(
      /std evaluated to zero/,
    );
    expect(() => new Normalize([0.5], [1]).call(tensor([[[1]]], { dtype: 'uint8' }))).toThrow(
      /should be a float tensor/,
    );
  });

  it('Normalize is made of tensor ops: the gradient reaches the input (issue 22)', () => {
    const x = tensor([[[1, 2]], [[3, 4]]], { dtype: 'float32' }).requiresGrad_();
    const out = new Normalize([0.5, 1], [0.5, 2]).call(x) as Tensor;
    out.sum().backward();
    expect(values(x.grad as Tensor)).toEqual([2, 2, 0.5, 0.5]);
    expect(values(out)).toEqual([1, 3, 1, 1.5]);
  });
});

describe('Compose and the deterministic transforms', () => {
  it('chains transforms and functions and prints like torchvision', () => {
    const t = new Compose([new ToTensor(), new Normalize([0.5], [0.5]), (x: Tensor) => x.mul(2)]);
    const image: Image = { width: 1, height: 1, channels: 1, data: Uint8Array.from([255]) };
    expect(values(t.call(image) as Tensor)).toEqual([2]);
    expect(new Compose([new ToTensor(), new CenterCrop(3)]).toString()).toBe(
      'Compose(\n    ToTensor()\n    CenterCrop(size=[3, 3])\n)',
    );
  });

  it('works on Images through their uint8 tensor', () => {
    const image = new ToImage().call(img());
    const out = new Compose([new Resize([4, 5]), new CenterCrop(3), new Pad(1)]).call(
      image,
    ) as Image;
    expect([out.width, out.height, out.channels]).toEqual([5, 5, 3]);
    const viaTensor = new Compose([new Resize([4, 5]), new CenterCrop(3), new Pad(1)]).call(
      img(),
    ) as Tensor;
    expect(out.data).toEqual(new ToImage().call(viaTensor).data);
  });

  it('Resize of the shorter edge, Grayscale, FiveCrop and TenCrop on batches', () => {
    expect(new Resize(4).call(img()).shape).toEqual([3, 4, 5]);
    expect(new Resize(3, { maxSize: 4 }).call(zeros([3, 4, 8])).shape).toEqual([3, 2, 4]);
    expect(new Grayscale(3).call(img()).shape).toEqual([3, 8, 10]);
    const batch = zeros([2, 3, 8, 10]);
    expect(new FiveCrop(4).call(batch).map((t) => t.shape)).toEqual(
      new Array(5).fill([2, 3, 4, 4]),
    );
    expect(new TenCrop([2, 3]).call(batch)).toHaveLength(10);
  });
});

/** Runs a random transform twice with the same seed: the outputs must be equal. */
function repeatable(make: (g: Generator) => Transform<Tensor, unknown>, input: Tensor): void {
  const run = () => {
    const t = make(new Generator(7));
    return [0, 1, 2, 3].map(() => JSON.stringify((t.call(input) as Tensor).tolist()));
  };
  const a = run();
  expect(run()).toEqual(a);
  expect(new Set(a).size).toBeGreaterThan(1); // the draws differ call to call
}

describe('random transforms', () => {
  const x = rand([3, 12, 12], { generator: new Generator(1) });
  const cases: [string, (g: Generator) => Transform<Tensor, unknown>][] = [
    ['RandomCrop', (g) => new RandomCrop(6, { padding: 2, paddingMode: 'reflect', generator: g })],
    ['RandomResizedCrop', (g) => new RandomResizedCrop(5, { generator: g })],
    ['RandomRotation', (g) => new RandomRotation(45, { interpolation: 'bilinear', generator: g })],
    [
      'RandomRotation choices',
      (g) => new RandomRotation({ choices: [0, 90, 180, 270] }, { generator: g }),
    ],
    [
      'RandomAffine',
      (g) =>
        new RandomAffine(20, { translate: [0.2, 0.2], scale: [0.8, 1.2], shear: 10, generator: g }),
    ],
    ['RandomPerspective', (g) => new RandomPerspective({ p: 1, generator: g })],
    [
      'ColorJitter',
      (g) =>
        new ColorJitter({
          brightness: 0.4,
          contrast: 0.4,
          saturation: 0.4,
          hue: 0.1,
          generator: g,
        }),
    ],
    ['GaussianBlur', (g) => new GaussianBlur(3, { sigma: [0.1, 2], generator: g })],
    ['RandomErasing', (g) => new RandomErasing({ p: 1, value: 'random', generator: g })],
    [
      'RandomChoice',
      (g) => new RandomChoice([new CenterCrop(4), new Resize([4, 4])], { generator: g }),
    ],
  ];
  for (const [name, make] of cases)
    it(`${name} repeats exactly with a seeded generator`, () => repeatable(make, x));

  it('flips with probability p', () => {
    const g = new Generator(3);
    const t = new RandomHorizontalFlip(0.3, { generator: g });
    const input = arange(4).reshape([1, 1, 4]);
    let flipped = 0;
    for (let i = 0; i < 2000; i++) if ((t.call(input) as Tensor).dataSync()[0] === 3) flipped++;
    expect(flipped / 2000).toBeGreaterThan(0.26);
    expect(flipped / 2000).toBeLessThan(0.34);
    expect(values(new RandomVerticalFlip(1).call(arange(2).reshape([1, 2, 1])))).toEqual([1, 0]);
    expect(values(new RandomVerticalFlip(0).call(arange(2).reshape([1, 2, 1])))).toEqual([0, 1]);
  });

  it('RandomRotation with choices only uses the listed angles', () => {
    const t = new RandomRotation({ choices: [90, 180] }, { generator: new Generator(5) });
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) seen.add(t.getParams());
    expect([...seen].sort()).toEqual([180, 90]);
    const input = arange(4).reshape([1, 2, 2]).to('float32');
    const rotated = values(new RandomRotation({ choices: [90] }).call(input));
    expect(rotated).toEqual(values(F.rotate(input, 90)));
  });

  it('RandomCrop covers every offset uniformly; padIfNeeded pads small images', () => {
    const g = new Generator(11);
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const [top, left] = RandomCrop.getParams([4, 4], [2, 2], { generator: g });
      counts.set(`${top},${left}`, (counts.get(`${top},${left}`) ?? 0) + 1);
    }
    expect(counts.size).toBe(9);
    for (const c of counts.values()) expect(Math.abs(c / 3000 - 1 / 9)).toBeLessThan(0.03);
    expect(new RandomCrop([5, 6], { padIfNeeded: true }).call(zeros([1, 3, 4])).shape).toEqual([
      1, 5, 6,
    ]);
    expect(() => new RandomCrop(9).call(zeros([1, 3, 4]))).toThrow(/larger than input image size/);
  });

  it('RandomResizedCrop draws areas within scale and aspect ratios within ratio', () => {
    const g = new Generator(2);
    for (let i = 0; i < 200; i++) {
      const [top, left, h, w] = RandomResizedCrop.getParams([100, 120], [0.2, 0.5], [0.75, 1.333], {
        generator: g,
      });
      expect(top + h).toBeLessThanOrEqual(100);
      expect(left + w).toBeLessThanOrEqual(120);
      expect((h * w) / 12000).toBeGreaterThan(0.18);
      expect((h * w) / 12000).toBeLessThan(0.52);
    }
  });

  it('RandomApply, RandomOrder and RandomGrayscale', () => {
    const g = new Generator(9);
    const double = (t: Tensor) => t.mul(2);
    const apply = new RandomApply([double], 0.25, { generator: g });
    let applied = 0;
    for (let i = 0; i < 2000; i++)
      if (values(apply.call(tensor([1])) as Tensor)[0] === 2) applied++;
    expect(applied / 2000).toBeGreaterThan(0.21);
    expect(applied / 2000).toBeLessThan(0.29);
    const order = new RandomOrder([(t: Tensor) => t.add(1), double], { generator: g });
    const results = new Set<number>();
    for (let i = 0; i < 50; i++) results.add(values(order.call(tensor([1])) as Tensor)[0]);
    expect([...results].sort()).toEqual([3, 4]); // (1 + 1) * 2 or 1 * 2 + 1
    const gray = new RandomGrayscale(1).call(img());
    expect(gray.shape).toEqual([3, 8, 10]);
  });

  it('RandomChoice follows its weights', () => {
    const t = new RandomChoice([() => 0, () => 1, () => 2], {
      p: [1, 0, 3],
      generator: new Generator(4),
    });
    const counts = [0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[t.call(null as never) as number]++;
    expect(counts[1]).toBe(0);
    expect(counts[0] / 4000).toBeGreaterThan(0.22);
    expect(counts[0] / 4000).toBeLessThan(0.28);
  });

  it('RandomErasing erases a box with the given value', () => {
    const out = new RandomErasing({ p: 1, value: 7, generator: new Generator(1) }).call(
      zeros([3, 20, 20]),
    );
    const v = values(out);
    const erased = v.filter((e) => e === 7).length;
    expect(erased % 3).toBe(0);
    expect(erased / 3 / 400).toBeGreaterThan(0.01);
    expect(erased / 3 / 400).toBeLessThan(0.4);
  });
});

describe('workerSpec', () => {
  it('describes how to rebuild a transform; refuses functions and own generators', () => {
    const spec = new Compose([new ToTensor(), new Normalize([0.5], [0.5])]).workerSpec();
    expect(spec.export).toBe('Compose');
    expect(String(spec.module)).toMatch(/compose/);
    expect(new Resize([3, 4], { antialias: true }).workerSpec().args).toEqual([
      [3, 4],
      { antialias: true },
    ]);
    expect(() => new Compose([(x: unknown) => x]).workerSpec()).toThrow(/plain function/);
    expect(() => new Lambda((x: unknown) => x).workerSpec()).toThrow(/cannot be sent/);
    expect(() =>
      new RandomHorizontalFlip(0.5, { generator: new Generator(1) }).workerSpec(),
    ).toThrow(/own generator/);
  });
});
