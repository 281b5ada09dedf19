/** Derivatives of the unary and binary elementwise kernels, where, and clamp. */
import {
  cos,
  cosh,
  isComplex,
  reluBackward,
  sin,
  sinh,
  sub,
  type Tensor,
  where,
  zerosLike,
} from '@tensile/tensor';
import type { Formula, FormulaGroup, GradContext } from './formula';

type Grad = (g: Tensor, x: () => Tensor, y: () => Tensor) => Tensor;

/** A one-input op; `x` reads the input and `y` the output, only when the formula needs them. */
function unary(name: string, grad: Grad): Formula {
  return {
    name,
    backward: (g, c) => [
      grad(
        g,
        () => c.input(0),
        () => c.output(),
      ),
    ],
  };
}

/** Piecewise-constant ops: zero gradient almost everywhere, as PyTorch defines it. */
const flat = (name: string) => unary(name, (g) => zerosLike(g));

/** A two-input op; each gradient is computed only when that input needs one. */
function binary(
  name: string,
  gradA: (g: Tensor, c: GradContext) => Tensor,
  gradB: (g: Tensor, c: GradContext) => Tensor,
): Formula {
  return {
    name,
    backward: (g, c) => [c.needs(0) ? gradA(g, c) : null, c.needs(1) ? gradB(g, c) : null],
  };
}

const a = (c: GradContext) => c.input(0);
const b = (c: GradContext) => c.input(1);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** sign(x) as PyTorch's abs backward takes it: 0 at NaN, so NaN inputs get a zero gradient. */
const sgn = (x: Tensor) => x.gt(0).to(x.dtype).sub(x.lt(0).to(x.dtype));

/** maximum/minimum: the gradient goes to the larger (smaller) input, half to each on ties. */
function extremum(name: string, loses: 'lt' | 'gt'): Formula {
  const share = (g: Tensor, x: Tensor, other: Tensor) =>
    where(x.eq(other), g.div(2), g).maskedFill(x[loses](other), 0);
  return binary(
    name,
    (g, c) => share(g, a(c), b(c)),
    (g, c) => share(g, b(c), a(c)),
  );
}

export const elementwise = {
  neg: unary('NegBackward0', (g) => g.neg()),
  // A complex z's is z / |z| (0 at 0), PyTorch's sgn.
  abs: unary('AbsBackward0', (g, x, y) =>
    isComplex(x().dtype) ? g.mul(where(y().eq(0), 0, x().div(y()))) : g.mul(sgn(x())),
  ),
  sqrt: unary('SqrtBackward0', (g, _, y) => g.div(y().mul(2))),
  rsqrt: unary('RsqrtBackward0', (g, _, y) => g.mul(y().pow(3)).mul(-0.5)),
  exp: unary('ExpBackward0', (g, _, y) => g.mul(y())),
  expm1: unary('Expm1Backward0', (g, _, y) => g.mul(y().add(1))),
  log: unary('LogBackward0', (g, x) => g.div(x())),
  log1p: unary('Log1PBackward0', (g, x) => g.div(x().add(1))),
  log2: unary('Log2Backward0', (g, x) => g.div(x().mul(Math.LN2))),
  sin: unary('SinBackward0', (g, x) => g.mul(cos(x()))),
  cos: unary('CosBackward0', (g, x) => g.mul(sin(x())).neg()),
  tan: unary('TanBackward0', (g, _, y) => g.mul(y().square().add(1))),
  asin: unary('AsinBackward0', (g, x) => g.mul(sub(1, x().square()).rsqrt())),
  acos: unary('AcosBackward0', (g, x) => g.mul(sub(1, x().square()).rsqrt()).neg()),
  atan: unary('AtanBackward0', (g, x) => g.div(x().square().add(1))),
  sinh: unary('SinhBackward0', (g, x) => g.mul(cosh(x()))),
  cosh: unary('CoshBackward0', (g, x) => g.mul(sinh(x()))),
  tanh: unary('TanhBackward0', (g, _, y) => g.mul(sub(1, y().square()))),
  sigmoid: unary('SigmoidBackward0', (g, _, y) => g.mul(y().mul(sub(1, y())))),
  // threshold_backward: the gradient is cut where the output is <= 0 (NaN outputs pass it).
  relu: unary('ReluBackward0', (g, _, y) => reluBackward(g, y())),
  erf: unary('ErfBackward0', (g, x) => g.mul(x().square().neg().exp().mul(TWO_OVER_SQRT_PI))),
  reciprocal: unary('ReciprocalBackward0', (g, _, y) => g.mul(y().square()).neg()),
  sign: flat('SignBackward0'),
  round: flat('RoundBackward0'),
  floor: flat('FloorBackward0'),
  ceil: flat('CeilBackward0'),
  trunc: flat('TruncBackward0'),

  add: binary(
    'AddBackward0',
    (g) => g,
    (g) => g,
  ),
  sub: binary(
    'SubBackward0',
    (g) => g,
    (g) => g.neg(),
  ),
  // Complex operands take their conjugates (PyTorch's convention); conj of a real tensor is itself.
  mul: binary(
    'MulBackward0',
    (g, c) => g.mul(b(c).conj()),
    (g, c) => g.mul(a(c).conj()),
  ),
  div: binary(
    'DivBackward0',
    (g, c) => g.div(b(c).conj()),
    (g, c) =>
      isComplex(g.dtype)
        ? g.neg().mul(a(c).div(b(c)).div(b(c)).conj())
        : g.neg().mul(a(c)).div(b(c).square()),
  ),
  // d(a^b)/da is 0 where b == 0 and d(a^b)/db is 0 where a == 0 and b >= 0 (PyTorch's choices).
  pow: binary(
    'PowBackward0',
    (g, c) => where(b(c).eq(0), 0, g.mul(b(c).mul(a(c).pow(b(c).sub(1))))),
    (g, c) => where(a(c).eq(0).logicalAnd(b(c).ge(0)), 0, g.mul(c.output().mul(a(c).log()))),
  ),
  maximum: extremum('MaximumBackward0', 'lt'),
  minimum: extremum('MinimumBackward0', 'gt'),
  fmod: binary(
    'FmodBackward0',
    (g) => g,
    (g, c) => g.neg().mul(a(c).div(b(c), { roundingMode: 'trunc' })),
  ),
  remainder: binary(
    'RemainderBackward0',
    (g) => g,
    (g, c) => g.neg().mul(a(c).div(b(c), { roundingMode: 'floor' })),
  ),
  // PyTorch defines none for floor_divide, but div(roundingMode: 'floor') is 0: we give 0 for both.
  floorDiv: binary(
    'FloorDivideBackward0',
    (g) => zerosLike(g),
    (g) => zerosLike(g),
  ),
  // Linear in the gradient; the output only selects (its derivative is 0 almost everywhere).
  reluBackward: binary(
    'ThresholdBackwardBackward0',
    (g, c) => reluBackward(g, b(c)),
    (g) => zerosLike(g),
  ),
  atan2: binary(
    'Atan2Backward0',
    (g, c) => g.mul(b(c)).div(a(c).square().add(b(c).square())),
    (g, c) =>
      g
        .mul(a(c))
        .neg()
        .div(a(c).square().add(b(c).square())),
  ),

  // Inputs: condition, then the two branches.
  where: {
    name: 'WhereBackward0',
    backward: (g, c) => {
      const cond = c.input(0);
      return [null, c.needs(1) ? where(cond, g, 0) : null, c.needs(2) ? where(cond, 0, g) : null];
    },
  },
  // Inputs: x, min, max (absent bounds are recorded as -inf/inf). Subgradient 1 at the bounds;
  // when min > max every element is max, so max takes the gradient.
  clamp: {
    name: 'ClampBackward1',
    backward: (g, c) => {
      const [x, lo, hi] = [c.input(0), c.input(1), c.input(2)];
      return [
        c.needs(0) ? where(x.ge(lo).logicalAnd(x.le(hi)), g, 0) : null,
        c.needs(1) ? where(x.lt(lo).logicalAnd(lo.lt(hi)), g, 0) : null,
        c.needs(2) ? where(x.gt(hi).logicalOr(hi.lt(lo)), g, 0) : null,
      ];
    },
  },
} satisfies FormulaGroup;
