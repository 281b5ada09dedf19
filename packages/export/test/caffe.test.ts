/** Caffe prototxt: the layers of traced models, and clear refusals where Caffe differs. */
import { readFileSync } from 'node:fs';
import * as nn from '@tensile/nn';
import * as T from '@tensile/tensor';
import { models } from '@tensile/vision';
import { describe, expect, it } from 'vitest';
import { ExportError, toPrototxt } from '../src/index';

const types = (proto: string) => [...proto.matchAll(/type: "(\w+)"/g)].map((m) => m[1]);
const count = (list: string[], t: string) => list.filter((x) => x === t).length;

class Fn extends nn.Module {
  constructor(
    private readonly fn: (x: T.Tensor) => T.Tensor,
    layers: Record<string, nn.Module> = {},
  ) {
    super();
    Object.assign(this, layers);
  }
  override forward(x: T.Tensor): T.Tensor {
    return this.fn(x);
  }
}

describe('Caffe prototxt', () => {
  T.manualSeed(0);

  it("LeNet-5 as Caffe's own LeNet is written (checked by hand, committed)", () => {
    const want = readFileSync(new URL('./fixtures/lenet5.prototxt', import.meta.url), 'utf8');
    expect(toPrototxt(models.lenet5(), T.randn([1, 1, 28, 28]), { name: 'LeNet' })).toBe(want);
  });

  it('SqueezeNet 1.1: fire modules concatenated, ceil-mode pooling, global average pooling', () => {
    const proto = toPrototxt(models.squeezenet1_1({ numClasses: 10 }), T.randn([1, 3, 64, 64]));
    const t = types(proto);
    expect(count(t, 'Convolution')).toBe(26);
    expect(count(t, 'Concat')).toBe(8);
    expect(count(t, 'Pooling')).toBe(4);
    expect(proto).toContain('name: "features.3.expand3x3"');
    expect(proto).toContain('global_pooling: true');
    expect(proto.match(/pool: MAX\n\s+kernel_size: 3\n\s+stride: 2\n/g)).toHaveLength(3);
  });

  it('MobileNetV2: grouped convolutions, batch norm as Scale, ReLU6 as Clip, residual Eltwise', () => {
    const proto = toPrototxt(models.mobilenet_v2({ numClasses: 10 }), T.randn([1, 3, 32, 32]));
    const t = types(proto);
    expect(count(t, 'Convolution')).toBe(52);
    expect(count(t, 'Scale')).toBe(52);
    expect(count(t, 'Clip')).toBe(35);
    expect(count(t, 'Eltwise')).toBe(10);
    expect(proto).toContain('group: 32');
    expect(proto).toMatch(/clip_param \{\n\s+min: 0\n\s+max: 6\n/);
    expect(proto).toMatch(/scale_param \{\n\s+axis: 1\n\s+bias_term: true\n/);
  });

  it('logSoftmax as Softmax and Log, a mean over the image as global pooling, no-bias layers', () => {
    const conv = new nn.Conv2d(3, 4, 3, { bias: false, stride: [2, 1] });
    const fc = new nn.Linear(4, 2, { bias: false });
    const m = new Fn((x) => fc.forward(conv.forward(x).mean([2, 3])).logSoftmax(1), { conv, fc });
    const proto = toPrototxt(m, T.randn([2, 3, 9, 9]));
    expect(types(proto)).toEqual([
      'Input',
      'Convolution',
      'Pooling',
      'Flatten',
      'InnerProduct',
      'Softmax',
      'Log',
    ]);
    expect(proto).toMatch(/bias_term: false\n\s+kernel_size: 3\n\s+stride_h: 2\n\s+stride_w: 1\n/);
    expect(proto).toMatch(/inner_product_param \{\n\s+num_output: 2\n\s+bias_term: false\n/);
  });

  it("refuses pooling whose size Caffe's rounding would change, and ops Caffe has no layer for", () => {
    const resnet = () => toPrototxt(models.resnet18({ numClasses: 10 }), T.randn([1, 3, 32, 32]));
    expect(resnet).toThrow(ExportError);
    expect(resnet).toThrow(
      /pooling of \[16, 16\] gives \[8, 8\], and Caffe's \(which rounds up\) would give \[9, 9\]/,
    );
    const lstm = new nn.LSTM(3, 4);
    const m = new Fn((x) => (lstm.forward(x) as unknown as T.Tensor[])[0], { lstm });
    expect(() => toPrototxt(m, T.randn([2, 1, 3]))).toThrow(/Caffe has no layer for op/);
    const pad = new nn.AvgPool2d(2, { padding: 1, countIncludePad: false });
    expect(() => toPrototxt(pad, T.randn([1, 1, 4, 4]))).toThrow(/Caffe counts it/);
  });
});
