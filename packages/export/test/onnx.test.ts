/**
 * ONNX export checked by running each exported file in onnxruntime (`pnpm onnx:setup`
 * installs it into .onnx/) against Tensile's own forward pass. Without it these tests skip,
 * unless TENSILE_ONNX_REQUIRED=1 (CI) makes that a failure.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as nn from '@tensile/nn';
import * as T from '@tensile/tensor';
import { models } from '@tensile/vision';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportError, exportOnnx, toOnnx } from '../src/index';

interface OrtTensor {
  data: ArrayLike<number | bigint>;
  dims: readonly number[];
  type: string;
}
interface Ort {
  InferenceSession: {
    create(bytes: Uint8Array): Promise<{
      inputNames: string[];
      outputNames: string[];
      run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
    }>;
  };
  Tensor: new (type: string, data: ArrayLike<number> | BigInt64Array, dims: number[]) => OrtTensor;
}

const ortDir = resolve(import.meta.dirname, '../../../.onnx');
const ort: Ort | null = existsSync(join(ortDir, 'node_modules', 'onnxruntime-node'))
  ? (createRequire(join(ortDir, 'package.json'))('onnxruntime-node') as Ort)
  : null;
if (!ort && process.env.TENSILE_ONNX_REQUIRED === '1')
  throw new Error('onnxruntime-node is missing: run pnpm onnx:setup');

function feed(x: T.Tensor): OrtTensor {
  const data = x.contiguous().dataSync();
  if (x.dtype === 'int64')
    return new ort!.Tensor(
      'int64',
      BigInt64Array.from(data, (v) => BigInt(v)),
      [...x.shape],
    );
  return new ort!.Tensor(x.dtype === 'float64' ? 'float64' : 'float32', data, [...x.shape]);
}

/** Exports `model`, runs the file in onnxruntime, and compares every output with Tensile's. */
async function agrees(model: nn.Module, inputs: T.Tensor[], tol = 1e-5) {
  const bytes = toOnnx(model, inputs);
  model.eval();
  const ours = T.noGrad(() => model.forward(...inputs)) as T.Tensor | T.Tensor[];
  const want = Array.isArray(ours) ? ours.flat() : [ours];
  const session = await ort!.InferenceSession.create(bytes);
  const got = await session.run(
    Object.fromEntries(session.inputNames.map((n, i) => [n, feed(inputs[i])])),
  );
  session.outputNames.forEach((n, i) => {
    const o = got[n];
    expect([...o.dims]).toEqual([...want[i].shape]);
    const w = Array.from(want[i].dataSync());
    const g = Array.from(o.data, Number);
    const scale = Math.max(1, ...w.map(Math.abs));
    const worst = Math.max(0, ...w.map((v, k) => Math.abs(v - g[k])));
    expect(worst).toBeLessThanOrEqual(tol * scale);
  });
  return { bytes, session };
}

/** A module made of what `fn` does, for ops without a layer. */
class Fn extends nn.Module {
  constructor(
    private readonly fn: (...x: T.Tensor[]) => T.Tensor | T.Tensor[],
    layers: Record<string, nn.Module> = {},
  ) {
    super();
    Object.assign(this, layers);
  }
  override forward(...x: T.Tensor[]): T.Tensor | T.Tensor[] {
    return this.fn(...x);
  }
}

const strings = (bytes: Uint8Array) => new TextDecoder('latin1').decode(bytes);

describe.skipIf(!ort)('ONNX export, run in onnxruntime', () => {
  T.manualSeed(0);

  it('LeNet-5: parameters are initializers under their state-dict names', async () => {
    const { bytes, session } = await agrees(models.lenet5(), [T.randn([3, 1, 28, 28])]);
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['output']);
    const text = strings(bytes);
    for (const k of ['0.weight', '3.bias', 'Conv', 'MaxPool', 'MatMul']) expect(text).toContain(k);
  });

  it('ResNet-18, MobileNetV2 (grouped convolutions, ReLU6), SqueezeNet (ceil-mode pooling, cat)', async () => {
    await agrees(models.resnet18({ numClasses: 10 }), [T.randn([2, 3, 32, 32])]);
    const mobile = models.mobilenet_v2({ numClasses: 10 });
    // torchvision's initialisation gives near-zero logits: scale the head so they are not.
    T.noGrad(() => mobile.getParameter('classifier.1.weight').mul_(100));
    await agrees(mobile, [T.randn([1, 3, 48, 48])]);
    await agrees(models.squeezenet1_1({ numClasses: 10 }), [T.randn([1, 3, 64, 64])]);
  }, 120_000);

  it('LSTM (two layers, each step the fused cell) under a Linear and logSoftmax', async () => {
    const lstm = new nn.LSTM(4, 8, { numLayers: 2 });
    const fc = new nn.Linear(8, 3);
    const m = new Fn(
      (x) => fc.forward((lstm.forward(x) as unknown as T.Tensor[])[0]).logSoftmax(-1),
      {
        lstm,
        fc,
      },
    );
    await agrees(m, [T.randn([5, 2, 4])]);
  });

  it('convolutions: 1-D with same padding of an even kernel, transposed and grouped, dilated', async () => {
    const c1 = new nn.Conv1d(3, 4, 4, { padding: 'same', dilation: 2 });
    const ct = new nn.ConvTranspose2d(4, 6, 3, {
      stride: 2,
      padding: 1,
      outputPadding: 1,
      groups: 2,
    });
    const c2 = new nn.Conv2d(6, 6, 3, { groups: 3, dilation: 2, padding: 2, bias: false });
    const m = new Fn(
      (x) => {
        const y = c1.forward(x); // [2, 4, 10]
        return c2.forward(ct.forward(y.unsqueeze(2).expand([2, 4, 3, 10]).contiguous()));
      },
      { c1, ct, c2 },
    );
    await agrees(m, [T.randn([2, 3, 10])]);
  });

  it('pooling: ceil mode, padding without counting it, uneven adaptive bins', async () => {
    const mp = new nn.MaxPool2d(3, { stride: 2, ceilMode: true, padding: 1 });
    const ap = new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false });
    const ad = new nn.AdaptiveAvgPool2d([3, 2]);
    const m = new Fn(
      (x) => T.cat([ad.forward(mp.forward(x) as T.Tensor), ad.forward(ap.forward(x))], 1),
      {
        mp,
        ap,
        ad,
      },
    );
    await agrees(m, [T.randn([2, 3, 10, 8])]);
  });

  it('activations, normalisation, embedding of int64 indices, several inputs and outputs', async () => {
    const emb = new nn.Embedding(10, 6);
    const ln = new nn.LayerNorm(6);
    const bn = new nn.BatchNorm1d(6);
    T.noGrad(() => {
      bn.getBuffer('running_mean')!.copy_(T.randn([6]));
      bn.getBuffer('running_var')!.copy_(T.rand([6]).add(0.5));
    });
    const acts = [
      new nn.GELU(),
      new nn.LeakyReLU(0.1),
      new nn.ELU(),
      new nn.SiLU(),
      new nn.Hardswish(),
    ];
    const m = new Fn(
      (idx, x) => {
        let h = ln.forward(emb.forward(idx)).add(x); // [4, 6]
        h = bn.forward(h);
        const parts = acts.map((a) => a.forward(h));
        const y = T.stack(parts, 1).sum(1).mul(0.5).sub(1).div(3); // [4, 6]
        y.relu_();
        const [top] = T.topk(y.softmax(1), 2, 1);
        return [y.clamp(0.01, 0.2), top, y.argmax(1), y.amax(1, { keepdim: true }).sqrt()];
      },
      { emb, ln, bn },
    );
    const idx = T.tensor([1, 4, 9, 0], { dtype: 'int64' });
    await agrees(m, [idx, T.randn([4, 6])]);
  });

  it('views and indexing: permute, slices, select, flip, where, comparisons, casts', async () => {
    const m = new Fn((x) => {
      const p = x.permute([0, 2, 1]); // [2, 5, 4]
      const s = p.index(':', '1:4', '::2').select(2, 1); // [2, 3]
      const w = T.where(s.gt(0), s, s.mul(-2)).flip([1]);
      const n = x.narrow(2, 1, 3).flatten(1).mean(1, { keepdim: true }); // [2, 1]
      return [w.add(n), x.ge(0.5).to('float32').sum(), w.exp().log1p().rsqrt()];
    });
    await agrees(m, [T.randn([2, 4, 5])]);
  });

  it('max(dim) values, floor division and integer cumsum (review findings)', async () => {
    const m = new Fn((x) => {
      const top = x.max(1).values.add(T.tensor([1, 2, 3], { dtype: 'float32' }));
      const floors = x.div(0.3, { roundingMode: 'floor' });
      const counts = x.gt(0).cumsum(1).to('float32');
      return [top, floors, counts];
    });
    await agrees(m, [T.randn([3, 4])]);
  });

  it("the tensor package's own convolution, with its defaults (review finding)", async () => {
    const w = T.randn([3, 2, 3, 3], { generator: new T.Generator(4) });
    const m = new Fn((x) =>
      T.convolution(x, w, null).add(
        T.convolution(x, w, null, { padding: [1, 1] })
          .narrow(2, 1, 2)
          .narrow(3, 1, 3),
      ),
    );
    await agrees(m, [T.randn([1, 2, 4, 5])]);
  });

  it('writes the file atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensile-onnx-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'lenet.onnx');
    const model = models.lenet5();
    const x = T.randn([1, 1, 28, 28]);
    await exportOnnx(model, x, path, { inputNames: ['image'], outputNames: ['logits'] });
    expect(readdirSync(dir)).toEqual(['lenet.onnx']);
    const session = await ort!.InferenceSession.create(readFileSync(path));
    expect(session.inputNames).toEqual(['image']);
    expect(session.outputNames).toEqual(['logits']);
  });
});

describe('ONNX export refuses what it cannot write', () => {
  it('an op without an ONNX form names the op and its inputs', () => {
    const m = new Fn((x) => x.cumprod(1));
    expect(() => toOnnx(m, T.randn([2, 3]))).toThrow(ExportError);
    expect(() => toOnnx(m, T.randn([2, 3]))).toThrow(/op 'cumprod' \(inputs \[2, 3\]\)/);
  });

  it('data-dependent ops outside autograd are traced, not baked in as constants', () => {
    // sort is not differentiable through `apply`; it reaches the trace as its own op.
    const m = new Fn((x) => T.sort(x, 1).values.add(1));
    expect(() => toOnnx(m, T.randn([2, 3]))).toThrow(/op 'sort'/);
  });

  it('an output that does not depend on the inputs, pooling indices, divisorOverride', () => {
    const w = new nn.Linear(2, 2);
    expect(() => toOnnx(new Fn(() => w.weight.mul(2), { w }), T.randn([1, 2]))).toThrow(
      /does not depend on its inputs/,
    );
    const idx = new Fn((x) => nn.F.maxPool2dWithIndices(x, 2)[1].to('float32'));
    expect(() => toOnnx(idx, T.randn([1, 1, 4, 4]))).toThrow(/indices have no ONNX equivalent/);
    const avg = new Fn((x) => nn.F.avgPool2d(x, 2, { divisorOverride: 3 }));
    expect(() => toOnnx(avg, T.randn([1, 1, 4, 4]))).toThrow(/divisorOverride/);
  });

  it('host-read ops (oneHot) and in-place writes into tensors with views are refused', () => {
    const hot = new Fn((x) => T.oneHot(x, 4).to('float32'));
    expect(() => toOnnx(hot, T.tensor([1, 3], { dtype: 'int64' }))).toThrow(/op 'oneHot'/);
    const viewed = new Fn((x) => {
      const y = x.add(0);
      const v = y.view([12]);
      y.relu_();
      return v;
    });
    expect(() => toOnnx(viewed, T.randn([3, 4]))).toThrow(/has views/);
  });

  it('restores the training mode of every module', () => {
    const model = models.lenet5();
    model.train();
    toOnnx(model, T.randn([1, 1, 28, 28]));
    expect([...model.modules()].every((m) => m.training)).toBe(true);
  });
});
