// Model options, initialization and errors; the torchvision comparisons are in models-resnet.test.ts.
import '@tensile/autograd';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchNorm2d, type Conv2d, GroupNorm, StateDictError } from '@tensile/nn';
import { save } from '@tensile/serialize';
import {
  manualSeed,
  noGrad,
  rand,
  ShapeError,
  type Tensor,
  ValueError,
  zeros,
} from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { models } from '../src';

/** A ResNet with one block per stage: the structure of the real ones at a fraction of the cost. */
const tiny = (block: models.Block, opts: models.ResNetOptions = {}) =>
  new models.ResNet(block, [1, 1, 1, 1], { numClasses: 5, ...opts });

const values = (t: Tensor | null) => Array.from((t as Tensor).dataSync());
const std = (v: number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
};

describe('lenet5', () => {
  it("has the examples' layers: 61,706 parameters for 1 x 28 x 28 inputs", () => {
    const model = models.lenet5();
    const shapes = Object.entries(model.stateDict()).map(([k, t]) => [k, t.shape]);
    expect(shapes).toEqual([
      ['0.weight', [6, 1, 5, 5]],
      ['0.bias', [6]],
      ['3.weight', [16, 6, 5, 5]],
      ['3.bias', [16]],
      ['7.weight', [120, 400]],
      ['7.bias', [120]],
      ['9.weight', [84, 120]],
      ['9.bias', [84]],
      ['11.weight', [10, 84]],
      ['11.bias', [10]],
    ]);
    expect([...model.parameters()].reduce((n, p) => n + p.numel(), 0)).toBe(61706);
    expect(model.forward(zeros([2, 1, 28, 28])).shape).toEqual([2, 10]);
  });

  it('takes 3 x 32 x 32 images unpadded, and numClasses', () => {
    const model = models.lenet5({ inChannels: 3, padding: 0, numClasses: 7 });
    expect(model.forward(zeros([4, 3, 32, 32])).shape).toEqual([4, 7]);
  });

  it('repeats with a seed', () => {
    manualSeed(3);
    const a = values(models.lenet5().stateDict()['0.weight']);
    manualSeed(3);
    expect(values(models.lenet5().stateDict()['0.weight'])).toEqual(a);
  });

  it('names the 400 features it expects when the input size is wrong', () => {
    expect(() => models.lenet5().forward(zeros([1, 1, 32, 32]))).toThrow(
      /expected input with last dimension 400, but got input of shape \[1, 576\]/,
    );
  });
});

describe('ResNet initialization', () => {
  const model = models.resnet18({ numClasses: 10 });

  it("draws convolutions from kaiming_normal_(mode='fan_out', nonlinearity='relu')", () => {
    for (const [name, fanOut] of [
      ['conv1', 64 * 49],
      ['layer4.0.conv2', 512 * 9],
      ['layer2.0.downsample.0', 128],
    ] as const) {
      const conv = model.getSubmodule(name) as Conv2d;
      const s = std(values(conv.weight));
      expect(Math.abs(s / Math.sqrt(2 / fanOut) - 1), name).toBeLessThan(0.05);
    }
  });

  it('starts norms at weight 1 and bias 0, and fc at its default uniform bounds', () => {
    for (const m of model.modules())
      if (m instanceof BatchNorm2d) {
        expect(new Set(values(m.weight))).toEqual(new Set([1]));
        expect(new Set(values(m.bias))).toEqual(new Set([0]));
      }
    const fc = values(model.fc.weight);
    const bound = 1 / Math.sqrt(512);
    expect(Math.max(...fc.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...fc.map(Math.abs))).toBeGreaterThan(0.95 * bound);
  });

  it('zeroInitResidual zeroes the last norm of each residual branch only', () => {
    const basic = tiny(models.BasicBlock, { zeroInitResidual: true });
    const bottleneck = tiny(models.Bottleneck, { zeroInitResidual: true });
    const zeroed = (m: models.ResNet) =>
      [...m.namedParameters()]
        .filter(([k]) => k.endsWith('weight') && values(m.getParameter(k)).every((v) => v === 0))
        .map(([k]) => k);
    const stages = ['layer1', 'layer2', 'layer3', 'layer4'];
    expect(zeroed(basic)).toEqual(stages.map((s) => `${s}.0.bn2.weight`));
    expect(zeroed(bottleneck)).toEqual(stages.map((s) => `${s}.0.bn3.weight`));
  }, 120_000);
});

describe('ResNet options', () => {
  it('builds Bottleneck widths from groups and widthPerGroup (ResNeXt)', () => {
    const model = tiny(models.Bottleneck, { groups: 4, widthPerGroup: 8 });
    const conv2 = model.getSubmodule('layer3.0.conv2') as Conv2d;
    // width = floor(256 * 8 / 64) * 4 = 128, grouped in 4.
    expect([conv2.weight.shape, conv2.groups]).toEqual([[128, 32, 3, 3], 4]);
    expect(noGrad(() => model.eval().forward(zeros([1, 3, 32, 32]))).shape).toEqual([1, 5]);
  });

  it('replaceStrideWithDilation dilates instead of striding, from the second block of a stage', () => {
    const model = tiny(models.Bottleneck, { replaceStrideWithDilation: [false, true, true] });
    // torchvision: layer3.0.conv2 keeps stride 1 and dilation 1, layer4.0.conv2 has dilation 2.
    const conv = (name: string) => model.getSubmodule(name) as Conv2d;
    expect([conv('layer3.0.conv2').stride, conv('layer3.0.conv2').dilation]).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect([conv('layer4.0.conv2').dilation, conv('layer4.0.conv2').padding]).toEqual([
      [2, 2],
      [2, 2],
    ]);
    model.eval();
    const x = zeros([1, 3, 64, 64]);
    const features = noGrad(() => {
      const stem = model.maxpool.forward(model.conv1.forward(x)) as Tensor;
      return model.layer4.forward(
        model.layer3.forward(model.layer2.forward(model.layer1.forward(stem))),
      );
    });
    expect(features.shape).toEqual([1, 2048, 8, 8]);
  });

  it('takes a normLayer, initialized like BatchNorm (GroupNorm: no running statistics)', () => {
    const model = tiny(models.BasicBlock, { normLayer: (n) => new GroupNorm(32, n) });
    expect(model.bn1).toBeInstanceOf(GroupNorm);
    expect(Object.keys(model.stateDict()).filter((k) => k.includes('running'))).toEqual([]);
    expect(new Set(values((model.layer2.getSubmodule('0.bn2') as GroupNorm).weight))).toEqual(
      new Set([1]),
    );
    expect(model.forward(zeros([2, 3, 32, 32])).shape).toEqual([2, 5]);
  });

  it('accepts weights: null; a name to download says there is no download (issue 20)', () => {
    expect(models.resnet18({ weights: null, numClasses: 3 }).fc.outFeatures).toBe(3);
    const pretrained = { weights: 'IMAGENET1K_V1' };
    expect(() => models.resnet18(pretrained)).toThrow(ValueError);
    expect(() => models.resnet18(pretrained)).toThrow(
      /weights: cannot read IMAGENET1K_V1 .*downloads no weights, give a local \.pt, \.pth or \.safetensors file/,
    );
  });

  it('weights: a state dict, or a .pt / .safetensors file of one, loads strictly (issue 20)', async () => {
    manualSeed(3);
    const source = models.squeezenet1_1({ numClasses: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'weights-'));
    const x = rand([1, 3, 64, 64]);
    const want = noGrad(() => source.eval().forward(x));
    for (const file of ['w.pt', 'w.safetensors']) {
      await save(source.stateDict(), join(dir, file));
      const loaded = models.squeezenet1_1({ numClasses: 3, weights: join(dir, file) }).eval();
      expect(
        noGrad(() => loaded.forward(x))
          .sub(want)
          .abs()
          .max()
          .item(),
      ).toBe(0);
    }
    const fromDict = models.squeezenet1_1({ numClasses: 3, weights: source.stateDict() }).eval();
    expect(
      noGrad(() => fromDict.forward(x))
        .sub(want)
        .abs()
        .max()
        .item(),
    ).toBe(0);
    expect(() => models.squeezenet1_1({ weights: source.stateDict() })).toThrow(
      /size mismatch for classifier\.1\.weight/,
    );
  });

  it('loads a state dict of the same architecture, and names the mismatching keys otherwise', () => {
    manualSeed(1);
    const source = tiny(models.BasicBlock);
    const target = tiny(models.BasicBlock);
    target.loadStateDict(source.stateDict());
    expect(values(target.fc.weight)).toEqual(values(source.fc.weight));
    const other = tiny(models.BasicBlock, { numClasses: 1000 });
    expect(() => target.loadStateDict(other.stateDict())).toThrow(StateDictError);
    expect(() => target.loadStateDict(other.stateDict())).toThrow(
      'size mismatch for fc.weight: copying a param with shape torch.Size([1000, 512]) from checkpoint, the shape in current model is torch.Size([5, 512]).',
    );
  }, 120_000);
});

describe('ResNet errors', () => {
  it.each([0, -1, 2.5, Number.NaN])('numClasses %s', (numClasses) => {
    expect(() => tiny(models.BasicBlock, { numClasses })).toThrow(
      `ResNet: numClasses must be a positive integer, got ${numClasses}`,
    );
    expect(() => models.lenet5({ numClasses })).toThrow(ValueError);
  });

  it('layers must be 4 positive counts', () => {
    expect(() => new models.ResNet(models.BasicBlock, [2, 2, 2])).toThrow(
      'ResNet: layers should be 4 positive block counts, got [2, 2, 2]',
    );
  });

  it('BasicBlock refuses groups, width and dilation, as torchvision does', () => {
    expect(() => tiny(models.BasicBlock, { groups: 2 })).toThrow(
      /BasicBlock only supports groups=1 and base_width=64/,
    );
    expect(() =>
      // layer3 dilates its second block (there is none); layer4's first block takes dilation 2.
      tiny(models.BasicBlock, { replaceStrideWithDilation: [false, true, true] }),
    ).toThrow(/Dilation > 1 not supported in BasicBlock/);
  });

  it('replaceStrideWithDilation must have 3 entries', () => {
    const bad = [true, true] as unknown as [boolean, boolean, boolean];
    expect(() => tiny(models.Bottleneck, { replaceStrideWithDilation: bad })).toThrow(
      'replace_stride_with_dilation should be None or a 3-element tuple, got [true, true]',
    );
  });

  it('ResNeXt and Wide ResNet fix their groups and width', () => {
    expect(() => models.resnext50_32x4d({ groups: 8 })).toThrow(
      "The parameter 'groups' expected value 32 but got 8 instead.",
    );
    expect(() => models.wideResnet50_2({ widthPerGroup: 64 })).toThrow(
      "The parameter 'widthPerGroup' expected value 128 but got 64 instead.",
    );
  });

  describe('inputs of the wrong rank or channels: the failing layer names them', () => {
    const model = tiny(models.BasicBlock);
    it('3-D: BatchNorm2d after the (unbatched) first convolution', () => {
      expect(() => model.forward(zeros([3, 32, 32]))).toThrow(
        'BatchNorm2d: expected 4D input (got 3D input)',
      );
    });
    it('2-D: conv2d', () => {
      expect(() => model.forward(zeros([32, 32]))).toThrow(ShapeError);
      expect(() => model.forward(zeros([32, 32]))).toThrow(/got input of size: \[32, 32\]/);
    });
    it('1 channel: conv2d names the weight and input shapes', () => {
      expect(() => model.forward(zeros([1, 1, 32, 32]))).toThrow(
        /\[64, 3, 7, 7\].*\[1, 1, 32, 32\]/,
      );
    });
  });
});
