import { type Tensor, zeros } from '@tensile/tensor';
import { describe, expect, test } from 'vitest';
import * as optim from '../src';
import { decodeNumber, expectClose, loadFixture, type Tolerance } from './helpers';

interface SchedulerSpec {
  scheduler: string;
  args: unknown[];
  options: Record<string, unknown>;
  schedulers?: SchedulerSpec[];
}

interface OptimizerSpec {
  name: 'SGD' | 'Adam';
  options: Record<string, unknown>;
  groups: Array<Record<string, unknown>>;
}

interface SchedulerCase extends SchedulerSpec {
  id: string;
  optimizer: OptimizerSpec;
  epochs: Array<number | null>;
  lrs: number[][];
  momentum?: number[][];
  lastEpoch: number | null;
}

interface PlateauCase {
  id: string;
  options: optim.ReduceLROnPlateauOptions;
  optimizer: OptimizerSpec;
  metrics: number[];
  lrs: number[][];
  best: number | { $num: string };
  numBadEpochs: number;
  cooldownCounter: number;
}

const LAMBDAS: Record<string, optim.LrLambda> = {
  pow095: (epoch) => 0.95 ** epoch,
  warmup5: (epoch) => Math.min(1, (epoch + 1) / 5),
  const09: () => 0.9,
  halfEvery10: (epoch) => (epoch % 10 === 0 ? 0.5 : 1),
};

// lr formulas in doubles; V8's Math.cos and ** may differ from glibc's in the last bit.
const TOL: Tolerance = { rtol: 1e-12, atol: 1e-15 };

function makeOptimizer(spec: OptimizerSpec): optim.Optimizer {
  const groups = spec.groups.map((g) => ({ ...g, params: [zeros([1], { requiresGrad: true })] }));
  return spec.name === 'SGD'
    ? new optim.SGD(groups, spec.options)
    : new optim.Adam(groups, spec.options);
}

type AnyScheduler = optim.LRScheduler | optim.ChainedScheduler | optim.SequentialLR;

function makeScheduler(spec: SchedulerSpec, opt: optim.Optimizer): AnyScheduler {
  if (spec.scheduler === 'ChainedScheduler')
    return new optim.ChainedScheduler(
      spec.schedulers!.map((s) => makeScheduler(s, opt) as optim.LRScheduler),
    );
  const decode = (a: unknown): unknown => {
    if (Array.isArray(a)) return a.map(decode);
    if (typeof a === 'object' && a !== null && '$lambda' in a) return LAMBDAS[a.$lambda as string];
    if (typeof a === 'object' && a !== null && '$scheduler' in a)
      return makeScheduler(a.$scheduler as SchedulerSpec, opt);
    return a;
  };
  const Cls = (optim as unknown as Record<string, new (...args: unknown[]) => AnyScheduler>)[
    spec.scheduler
  ];
  return new Cls(opt, ...spec.args.map(decode), spec.options);
}

function stepScheduler(s: AnyScheduler, opt: optim.Optimizer, epoch: number | null): void {
  opt.step();
  if (epoch === null || !(s instanceof optim.LRScheduler)) s.step();
  else s.step(epoch);
}

function momentumOf(opt: optim.Optimizer): number[] {
  return opt.paramGroups.map((g) => (g.betas ? (g.betas as number[])[0] : (g.momentum as number)));
}

function expectLrs(actual: number[], expected: number[], what: string): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((lr, i) => {
    expectClose(lr, expected[i], TOL, `${what} group ${i}`);
  });
}

const schedulers = loadFixture<SchedulerCase>('schedulers.json');
const plateau = loadFixture<PlateauCase>('plateau.json');

describe('scheduler lr sequences match PyTorch', () => {
  for (const c of schedulers.cases) {
    test(c.id, () => {
      const opt = makeOptimizer(c.optimizer);
      const s = makeScheduler(c, opt);
      expectLrs(s.getLastLr(), c.lrs[0], 'initial lr');
      c.epochs.forEach((epoch, i) => {
        stepScheduler(s, opt, epoch);
        expectLrs(s.getLastLr(), c.lrs[i + 1], `lr after step ${i + 1}`);
        expectLrs(
          opt.paramGroups.map((g) => g.lr),
          c.lrs[i + 1],
          `group lr after step ${i + 1}`,
        );
        if (c.momentum)
          expectLrs(momentumOf(opt), c.momentum[i + 1], `momentum after step ${i + 1}`);
      });
      if (c.lastEpoch !== null) expect((s as optim.LRScheduler).lastEpoch).toBe(c.lastEpoch);
    });
  }
});

describe('scheduler state dicts resume the sequence exactly', () => {
  for (const c of schedulers.cases) {
    test(c.id, () => {
      const opt = makeOptimizer(c.optimizer);
      const s = makeScheduler(c, opt);
      const half = Math.floor(c.epochs.length / 2);
      c.epochs.slice(0, half).forEach((epoch) => {
        stepScheduler(s, opt, epoch);
      });
      // structuredClone: what survives a save and load (no functions, no shared objects).
      const saved = structuredClone({ opt: opt.stateDict(), sched: s.stateDict() });
      const opt2 = makeOptimizer(c.optimizer);
      const s2 = makeScheduler(c, opt2);
      opt2.loadStateDict(saved.opt);
      s2.loadStateDict(saved.sched);
      c.epochs.slice(half).forEach((epoch, i) => {
        stepScheduler(s2, opt2, epoch);
        expectLrs(s2.getLastLr(), c.lrs[half + i + 1], `lr after step ${half + i + 1}`);
      });
    });
  }
});

describe('ReduceLROnPlateau matches PyTorch', () => {
  for (const c of plateau.cases) {
    test(c.id, () => {
      const opt = makeOptimizer(c.optimizer);
      const s = new optim.ReduceLROnPlateau(opt, c.options);
      c.metrics.forEach((m, i) => {
        s.step(m);
        expectLrs(s.getLastLr(), c.lrs[i], `lr after metric ${i}`);
      });
      expect(s.best).toBe(decodeNumber(c.best));
      expect([s.numBadEpochs, s.cooldownCounter]).toEqual([c.numBadEpochs, c.cooldownCounter]);
    });
  }

  test('state dict keeps an infinite best and resumes', () => {
    const c = plateau.cases[0];
    const opt = makeOptimizer(c.optimizer);
    const s = new optim.ReduceLROnPlateau(opt, c.options);
    expect(s.stateDict().best).toBe(Infinity);
    c.metrics.slice(0, 12).forEach((m) => {
      s.step(m);
    });
    const s2 = new optim.ReduceLROnPlateau(opt, c.options);
    s2.loadStateDict(structuredClone(s.stateDict()));
    c.metrics.slice(12).forEach((m, i) => {
      s2.step(m);
      expectLrs(s2.getLastLr(), c.lrs[12 + i], `lr after metric ${12 + i}`);
    });
  });

  test('accepts a 0-d tensor metric and validates its options', () => {
    const opt = makeOptimizer(plateau.cases[0].optimizer);
    const s = new optim.ReduceLROnPlateau(opt, { patience: 0 });
    s.step(zeros([]).add(2) as Tensor);
    expect(s.best).toBe(2);
    expect(() => new optim.ReduceLROnPlateau(opt, { factor: 1 })).toThrow(
      'Factor should be < 1.0.',
    );
    expect(() => new optim.ReduceLROnPlateau(opt, { mode: 'up' as 'min' })).toThrow(
      'mode up is unknown!',
    );
    expect(() => new optim.ReduceLROnPlateau(opt, { minLr: [0] })).toThrow(
      'expected 2 values for min_lr, got 1',
    );
  });
});

describe('scheduler construction', () => {
  const sgd = () => makeOptimizer(schedulers.cases[0].optimizer);

  test('sets initialLr in each group, and requires it to resume from lastEpoch', () => {
    const opt = sgd();
    new optim.StepLR(opt, 3);
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.05]);
    expect(() => new optim.StepLR(sgd(), 3, { lastEpoch: 4 })).toThrow(
      "param 'initialLr' is not specified in paramGroups[0] when resuming an optimizer",
    );
    const resumed = new optim.ExponentialLR(opt, 0.5, { lastEpoch: 4 });
    expect(resumed.lastEpoch).toBe(5);
  });

  test('rejects bad arguments with PyTorch messages', () => {
    const opt = sgd();
    expect(() => new optim.StepLR({} as optim.Optimizer, 3)).toThrow('Object is not an Optimizer');
    expect(() => new optim.LambdaLR(opt, [LAMBDAS.pow095])).toThrow(
      'expected 2 values for lr_lambda, got 1',
    );
    expect(() => new optim.ConstantLR(opt, { factor: 2 })).toThrow(
      'Constant multiplicative factor expected to be between 0 and 1.',
    );
    expect(() => new optim.CosineAnnealingWarmRestarts(opt, 0)).toThrow(
      'Expected positive integer T_0, but got 0',
    );
    expect(() => new optim.OneCycleLR(opt, 0.1)).toThrow(
      'You must define either total_steps OR (epochs AND steps_per_epoch)',
    );
    expect(() => new optim.CyclicLR(opt, 0.1, 1, { mode: 'square' as 'triangular' })).toThrow(
      'mode square is invalid',
    );
    const adam = makeOptimizer({ name: 'Adam', options: {}, groups: [{}] });
    expect(() => new optim.CyclicLR(adam, 0.1, 1)).toThrow(
      'optimizer must support momentum with `cycleMomentum` option enabled',
    );
    expect(() => new optim.SequentialLR(opt, [new optim.StepLR(opt, 2)], [3])).toThrow(
      'expects number of schedulers provided to be one more than the number of milestone points',
    );
    expect(() => new optim.SequentialLR(opt, [new optim.StepLR(sgd(), 2)], [])).toThrow(
      'to be different than the optimizer passed in',
    );
  });

  test('OneCycleLR refuses to step past totalSteps', () => {
    const s = new optim.OneCycleLR(sgd(), 0.1, { totalSteps: 2 });
    s.step();
    s.step();
    expect(() => s.step()).toThrow(
      'Tried to step 4 times. The specified number of total steps is 2',
    );
  });

  test('state dicts hold the fields, not the optimizer or lambdas, and reject unknown keys', () => {
    const opt = sgd();
    const s = new optim.LambdaLR(opt, LAMBDAS.pow095);
    const sd = s.stateDict();
    expect(Object.keys(sd).sort()).toEqual(['baseLrs', 'lastEpoch', 'lastLr', 'stepCount']);
    expect(() => s.loadStateDict({ ...sd, gamma: 2 })).toThrow("unexpected key 'gamma'");
    const cyclic = new optim.CyclicLR(opt, 0.01, 0.1, { scaleFn: (x) => 1 / x });
    expect(cyclic.stateDict().scaleFn).toBeUndefined();
    const seq = new optim.SequentialLR(
      opt,
      [new optim.StepLR(opt, 2), new optim.StepLR(opt, 3)],
      [4],
    );
    expect((seq.stateDict().schedulers as unknown[]).length).toBe(2);
    expect(() => seq.loadStateDict({ ...seq.stateDict(), schedulers: [] })).toThrow(
      'expected the state of 2 schedulers',
    );
  });
});
