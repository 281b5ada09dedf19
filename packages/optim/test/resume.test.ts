import '@tensile/autograd';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, save } from '@tensile/serialize';
import { noGrad, type Tensor, tensor } from '@tensile/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import * as optim from '../src';

const X = [
  [1, 2, -1],
  [0.5, -1, 2],
  [-1.5, 0.5, 1],
  [2, 1, 0],
];
const Y = [
  [1, -1],
  [0.5, 2],
  [-1, 0],
  [2, 1],
];

interface Run {
  params: { W: Tensor; b: Tensor };
  opt: optim.Optimizer;
  sched: optim.LRScheduler | optim.ReduceLROnPlateau;
  step(): void;
}

type Setup = (params: Tensor[]) => Pick<Run, 'opt' | 'sched'>;

/** A fresh model (linear regression on fixed data) with its optimizer and scheduler. */
function run(setup: Setup, init = 0.1): Run {
  const x = tensor(X, { dtype: 'float32' });
  const y = tensor(Y, { dtype: 'float32' });
  const W = tensor(
    [
      [init, -0.2, 0.3],
      [0.4, 0.5, -0.6],
    ],
    { dtype: 'float32', requiresGrad: true },
  );
  const b = tensor([init, -0.1], { dtype: 'float32', requiresGrad: true });
  const { opt, sched } = setup([W, b]);
  const step = () => {
    opt.zeroGrad();
    const loss = x.matmul(W.t()).add(b).sub(y).pow(2).mean();
    loss.backward();
    opt.step();
    if (sched instanceof optim.ReduceLROnPlateau) sched.step(loss);
    else sched.step();
  };
  return { params: { W, b }, opt, sched, step };
}

const SETUPS: Record<string, Setup> = {
  'Adam + OneCycleLR (cycles beta1)': ([W, b]) => {
    const opt = new optim.Adam([{ params: [W] }, { params: [b], lr: 0.05 }], { amsgrad: true });
    return { opt, sched: new optim.OneCycleLR(opt, [0.1, 0.05], { totalSteps: 12 }) };
  },
  'SGD momentum + CosineAnnealingLR (recursive form)': (params) => {
    const opt = new optim.SGD(params, { lr: 0.1, momentum: 0.9, nesterov: true });
    return { opt, sched: new optim.CosineAnnealingLR(opt, 4, { etaMin: 0.01 }) };
  },
  'RMSprop + SequentialLR (warmup, then steps)': (params) => {
    const opt = new optim.RMSprop(params, { lr: 0.01, centered: true, momentum: 0.5 });
    const warmup = new optim.LinearLR(opt, { startFactor: 0.1, totalIters: 3 });
    const decay = new optim.StepLR(opt, 2, { gamma: 0.5 });
    return { opt, sched: new optim.SequentialLR(opt, [warmup, decay], [3]) as never };
  },
  'Adagrad + ReduceLROnPlateau': (params) => {
    const opt = new optim.Adagrad(params, { lr: 0.5, lrDecay: 0.01 });
    return {
      opt,
      sched: new optim.ReduceLROnPlateau(opt, { patience: 0, factor: 0.5, threshold: 0.7 }),
    };
  },
};

const dir = mkdtempSync(join(tmpdir(), 'tensile-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('training resumed from a checkpoint matches an uninterrupted run bit for bit', () => {
  for (const [name, setup] of Object.entries(SETUPS)) {
    test(name, async () => {
      const straight = run(setup);
      for (let i = 0; i < 10; i++) straight.step();

      const first = run(setup);
      for (let i = 0; i < 5; i++) first.step();
      const path = join(dir, `${name.replace(/\W+/g, '-')}.safetensors`);
      await save(
        {
          model: first.params,
          optimizer: first.opt.stateDict(),
          scheduler: first.sched.stateDict(),
          epoch: 5,
        },
        path,
      );

      // Fresh objects, built from a different initialization, then restored from the file.
      const resumed = run(setup, 0.7);
      const ckpt = await load<{
        model: Record<'W' | 'b', Tensor>;
        optimizer: optim.OptimizerStateDict;
        scheduler: optim.SchedulerStateDict;
        epoch: number;
      }>(path);
      noGrad(() => {
        resumed.params.W.copy_(ckpt.model.W);
        resumed.params.b.copy_(ckpt.model.b);
      });
      resumed.opt.loadStateDict(ckpt.optimizer);
      resumed.sched.loadStateDict(ckpt.scheduler);
      expect(ckpt.epoch).toBe(5);
      for (let i = 0; i < 5; i++) resumed.step();

      for (const key of ['W', 'b'] as const)
        expect([...resumed.params[key].dataSync()], key).toEqual([
          ...straight.params[key].dataSync(),
        ]);
      expect(resumed.sched.getLastLr()).toEqual(straight.sched.getLastLr());
      expect(resumed.opt.stateDict().paramGroups).toEqual(straight.opt.stateDict().paramGroups);
    });
  }
});
