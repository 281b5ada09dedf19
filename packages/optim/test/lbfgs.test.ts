import '@tensile/autograd';
import { type DType, tensor } from '@tensile/tensor';
import { describe, expect, test } from 'vitest';
import { LBFGS, type LBFGSOptions, OptimizerError } from '../src';
import { expectClose, loadFixture, type Tolerance } from './helpers';

interface LBFGSCase {
  id: string;
  options: LBFGSOptions;
  dtype: DType;
  init: [number, number];
  trajectory: Array<{ loss: number; a: number; b: number; funcEvals: number; nIter: number }>;
}

const fixture = loadFixture<LBFGSCase>('lbfgs.json');

/** The Rosenbrock function of two parameters, (1 - a)^2 + 100 (b - a^2)^2, with its closure. */
function rosenbrock(dtype: DType, init: [number, number], opts: LBFGSOptions) {
  const a = tensor([init[0]], { dtype, requiresGrad: true });
  const b = tensor([init[1]], { dtype, requiresGrad: true });
  const opt = new LBFGS([a, b], opts);
  const closure = () => {
    opt.zeroGrad();
    const loss = a
      .neg()
      .add(1)
      .pow(2)
      .add(b.sub(a.pow(2)).pow(2).mul(100))
      .sum();
    loss.backward();
    return loss;
  };
  return { a, b, opt, closure };
}

// Rosenbrock's curved valley amplifies rounding differences from one iteration to the next:
// float64 runs agree to ~1e-9 after 40 iterations. In float32 PyTorch's line search computes its
// step lengths in float32 0-d tensors where Tensile uses doubles, so runs drift apart by ~3e-4.
const TOLERANCE: Record<string, Tolerance> = {
  float64: { rtol: 1e-8, atol: 1e-10 },
  float32: { rtol: 1e-3, atol: 1e-5 },
};

describe('LBFGS matches PyTorch on the Rosenbrock function', () => {
  for (const c of fixture.cases) {
    test(c.id, () => {
      const { a, b, opt, closure } = rosenbrock(c.dtype, c.init, c.options);
      const tol = TOLERANCE[c.dtype];
      c.trajectory.forEach((expected, call) => {
        const loss = opt.step(closure)!;
        const state = opt.state.get(a)!;
        expect([state.funcEvals, state.nIter], `evaluations after call ${call}`).toEqual([
          expected.funcEvals,
          expected.nIter,
        ]);
        expectClose(loss.item(), expected.loss, tol, `loss of call ${call}`);
        expectClose(a.item(), expected.a, tol, `a after call ${call}`);
        expectClose(b.item(), expected.b, tol, `b after call ${call}`);
      });
    });
  }
});

describe('LBFGS', () => {
  test('needs a closure and a single parameter group', () => {
    const { opt, a } = rosenbrock('float64', [0, 0], {});
    expect(() => opt.step()).toThrow(/closure/);
    expect(() => opt.addParamGroup({ params: [tensor([1.5], { requiresGrad: true })] })).toThrow(
      /doesn't support per-parameter options/,
    );
    expect(
      () => new LBFGS([{ params: [a] }, { params: [tensor([1.5], { requiresGrad: true })] }]),
    ).toThrow(/doesn't support per-parameter options/);
  });

  test('rejects an unknown line search', () => {
    const { opt, closure } = rosenbrock('float64', [0, 0], {
      lineSearchFn: 'backtracking' as 'strongWolfe',
    });
    expect(() => opt.step(closure)).toThrow(OptimizerError);
  });

  test('returns at once when the gradient is already below toleranceGrad', () => {
    const { a, b, opt, closure } = rosenbrock('float64', [1, 1], {});
    expect(opt.step(closure)!.item()).toBe(0);
    expect([a.item(), b.item()]).toEqual([1, 1]);
    expect(opt.state.get(a)).toEqual({ funcEvals: 1, nIter: 0 });
  });
});
