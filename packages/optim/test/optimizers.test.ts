import '@tensile/autograd';
import { complex, type DType, isTensor, type Tensor, tensor } from '@tensile/tensor';
import { describe, expect, test } from 'vitest';
import * as optim from '../src';
import {
  expectClose,
  expectTensorClose,
  loadFixture,
  type TensorJson,
  toleranceFor,
} from './helpers';

interface RegressionCase {
  id: string;
  optimizer: keyof typeof OPTIMIZERS;
  options: Record<string, unknown>;
  groups: Array<Record<string, unknown> & { params: Array<'W' | 'b'> }> | null;
  dtype: DType;
  steps: number;
  losses: number[];
  params: Record<'W' | 'b', TensorJson>;
  state: Record<'W' | 'b', Record<string, TensorJson | number | null>>;
}

interface Problem {
  problem: { X: number[][]; Y: number[][]; W: number[][]; b: number[] };
}

const OPTIMIZERS = {
  SGD: optim.SGD,
  Adam: optim.Adam,
  AdamW: optim.AdamW,
  RMSprop: optim.RMSprop,
  Adagrad: optim.Adagrad,
  Adadelta: optim.Adadelta,
  Adamax: optim.Adamax,
  NAdam: optim.NAdam,
  RAdam: optim.RAdam,
} as const;

const fixture = loadFixture<RegressionCase, Problem>('optimizers.json');

/** The fixture's linear regression: mean((X W^T + b - Y)^2), W and b leaves of the given dtype. */
export function regression(dtype: DType) {
  const { X, Y, W, b } = fixture.problem;
  const x = tensor(X, { dtype });
  const y = tensor(Y, { dtype });
  const params = {
    W: tensor(W, { dtype, requiresGrad: true }),
    b: tensor(b, { dtype, requiresGrad: true }),
  };
  const loss = () => x.matmul(params.W.t()).add(params.b).sub(y).pow(2).mean();
  return { params, loss };
}

describe('optimizer trajectories match PyTorch (10 steps of a linear regression)', () => {
  for (const c of fixture.cases) {
    test(c.id, () => {
      const { params, loss } = regression(c.dtype);
      const groups =
        c.groups === null
          ? [params.W, params.b]
          : c.groups.map((g) => ({ ...g, params: g.params.map((name) => params[name]) }));
      const Optim = OPTIMIZERS[c.optimizer] as new (
        p: unknown,
        o: Record<string, unknown>,
      ) => optim.Optimizer;
      const opt = new Optim(groups, c.options);
      const tol = toleranceFor(c.dtype);
      for (let step = 0; step < c.steps; step++) {
        opt.zeroGrad();
        const l = loss();
        l.backward();
        opt.step();
        expectClose(l.item(), c.losses[step], tol, `loss at step ${step}`);
      }
      for (const name of ['W', 'b'] as const) {
        expectTensorClose(params[name], c.params[name], tol, name);
        const state = opt.state.get(params[name]) as Record<string, unknown>;
        expect(Object.keys(state).sort()).toEqual(Object.keys(c.state[name]).sort());
        for (const [key, expected] of Object.entries(c.state[name])) {
          const actual = state[key];
          if (expected === null || typeof expected === 'number') expect(actual).toBe(expected);
          else expectTensorClose(actual as Tensor, expected, tol, `${name} state ${key}`);
          if (isTensor(actual)) expect(actual.requiresGrad).toBe(false);
        }
      }
    });
  }
});

describe('complex parameters', () => {
  test("SGD with momentum and weight decay steps a complex parameter as PyTorch's", () => {
    const f64 = (data: number[]) => tensor(data, { dtype: 'float64' });
    const p = complex(f64([1, -0.5]), f64([2, 1])).requiresGrad_();
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      p.mul(p.conj()).real.sum().add(p.real.mul(3).sum()).backward();
      opt.step();
    }
    // torch.optim.SGD on the same loss (torch 1.13, complex128).
    const want = [
      [-1.3474861010000003, 0.116388398],
      [-1.4347773995, 0.058194199],
    ];
    (p.tolist() as number[][]).forEach(([re, im], i) => {
      expect(re).toBeCloseTo(want[i][0], 12);
      expect(im).toBeCloseTo(want[i][1], 12);
    });
  });
});

describe('complex parameters as real and imaginary parts', () => {
  // torch 1.13, 6 steps of each on loss(p) = sum |p|^2 + 3 re(p) + im(p) re(p), complex128.
  const cases: [string, Record<string, unknown>, number[][]][] = [
    [
      'SGD',
      { lr: 0.1, momentum: 0.9, nesterov: true },
      [
        [-2.642822310771, 0.8669454623669999],
        [-2.3366398240025004, 1.045686005851],
      ],
    ],
    [
      'Adam',
      { lr: 0.1 },
      [
        [0.40419259901906024, 1.4065830875966197],
        [-1.085948912004286, 0.4534462169878678],
      ],
    ],
    [
      'AdamW',
      { lr: 0.1, weightDecay: 0.1 },
      [
        [0.36107314909315635, 1.3057199344721324],
        [-1.0423800020654532, 0.41357619001360435],
      ],
    ],
    [
      'RMSprop',
      { lr: 0.05, momentum: 0.9, centered: true },
      [
        [-3.0275152120832143, -0.9367913220332499],
        [-2.491268527192055, 1.4969067799760378],
      ],
    ],
    [
      'Adagrad',
      { lr: 0.1 },
      [
        [0.6470158875794496, 1.6518223765903517],
        [-0.8372879169754954, 0.6982941182824528],
      ],
    ],
    [
      'Adadelta',
      { lr: 1 },
      [
        [0.9801982043452634, 1.9802156264089583],
        [-0.5197438195492214, 0.9803584906513096],
      ],
    ],
    [
      'Adamax',
      { lr: 0.1 },
      [
        [0.4331205323895483, 1.4468280875285073],
        [-1.0241202422823503, 0.5505799562168395],
      ],
    ],
  ];
  const start = () =>
    complex(
      tensor([1, -0.5], { dtype: 'float64' }),
      tensor([2, 1], { dtype: 'float64' }),
    ).requiresGrad_();
  const loss = (p: Tensor) =>
    p.mul(p.conj()).real.sum().add(p.real.mul(3).sum()).add(p.imag.mul(p.real).sum());

  test.each(cases)("%s steps as PyTorch's", (name, opts, want) => {
    const p = start();
    const Opt = (
      optim as unknown as Record<string, new (ps: Tensor[], o: unknown) => optim.Optimizer>
    )[name];
    const opt = new Opt([p], opts);
    for (let i = 0; i < 6; i++) {
      opt.zeroGrad();
      loss(p).backward();
      opt.step();
    }
    (p.tolist() as number[][]).forEach(([re, im], i) => {
      expect(re).toBeCloseTo(want[i][0], 10);
      expect(im).toBeCloseTo(want[i][1], 10);
    });
    // State stays complex, as PyTorch keeps it.
    const state = Object.values(opt.state.get(p) as Record<string, unknown>).filter(
      (v): v is Tensor => isTensor(v) && v.ndim > 0,
    );
    expect(state.every((v) => v.dtype === 'complex128')).toBe(true);
  });

  test('NAdam and RAdam refuse them (torch 1.13 computes those in complex arithmetic)', () => {
    const p = start();
    loss(p).backward();
    expect(() => new optim.NAdam([p]).step()).toThrow(
      /NAdam: complex parameters are not supported/,
    );
    expect(() => new optim.RAdam([p]).step()).toThrow(/RAdam: complex parameters/);
  });
});
