import '@tensile/autograd';
import * as nn from '@tensile/nn';
import { Adam, SGD } from '@tensile/optim';
import * as T from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { gpuReady } from './gpu';

/** A small convolutional net, trained the same way on 'cpu' and on 'gpu' from the same weights. */
function net(): nn.Module {
  T.manualSeed(0);
  return new nn.Sequential(
    // No bias before BatchNorm: its gradient is zero up to rounding, which Adam would amplify.
    new nn.Conv2d(1, 4, 3, { padding: 1, bias: false }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(4 * 4 * 4, 10),
    new nn.LogSoftmax(1),
  );
}

function train(device: string, optimizer: 'sgd' | 'adam'): { losses: number[]; weights: number[] } {
  const model = net().to(device);
  const opt =
    optimizer === 'sgd'
      ? new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 })
      : new Adam(model.parameters(), { lr: 0.01 });
  const g = new T.Generator(1);
  const x = T.randn([16, 1, 8, 8], { generator: g }).to(device);
  const y = T.randint(0, 10, [16], { generator: g }).to(device);
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    opt.zeroGrad();
    const loss = nn.F.nllLoss(model.forward(x) as T.Tensor, y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  const weights = [...model.parameters()].flatMap((p) => Array.from(p.dataSync()));
  return { losses, weights };
}

describe.skipIf(!gpuReady)('training on gpu', () => {
  it.each(['sgd', 'adam'] as const)(
    'a conv net trained with %s follows the CPU run step by step',
    (optimizer) => {
      const cpu = train('cpu', optimizer);
      const gpu = train('gpu', optimizer);
      expect(cpu.losses[4]).toBeLessThan(cpu.losses[0]);
      for (const [k, l] of gpu.losses.entries()) expect(l).toBeCloseTo(cpu.losses[k], 4);
      const drift = gpu.weights.map((w, k) => Math.abs(w - cpu.weights[k]));
      expect(Math.max(...drift)).toBeLessThan(1e-4);
    },
  );

  it('loads a CPU optimizer state onto gpu parameters, as PyTorch moves state to its parameter', () => {
    const cpuModel = net();
    const cpuOpt = new SGD(cpuModel.parameters(), { lr: 0.1, momentum: 0.9 });
    const x = T.randn([4, 1, 8, 8], { generator: new T.Generator(2) });
    const y = T.tensor([1, 2, 3, 4]);
    nn.F.nllLoss(cpuModel.forward(x) as T.Tensor, y).backward();
    cpuOpt.step();
    const model = net().to('gpu');
    model.loadStateDict(cpuModel.stateDict());
    const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    opt.loadStateDict(cpuOpt.stateDict());
    const buffers = [...opt.state.values()].map((s) => s.momentumBuffer?.device);
    expect(new Set(buffers)).toEqual(new Set(['gpu']));
    nn.F.nllLoss(model.forward(x.to('gpu')) as T.Tensor, y.to('gpu')).backward();
    opt.step();
    expect([...model.parameters()][0].device).toBe('gpu');
  });

  it('moves a model and keeps its tensors there', () => {
    const model = net().to('gpu');
    for (const p of model.parameters()) expect(p.device).toBe('gpu');
    const out = model.forward(T.randn([2, 1, 8, 8], { device: 'gpu' })) as T.Tensor;
    expect(out.device).toBe('gpu');
    expect(out.shape).toEqual([2, 10]);
  });
});
