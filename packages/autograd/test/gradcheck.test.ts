/**
 * gradcheck (analytic vs central differences, float64) over every op of the tensor package,
 * and gradgradcheck (second derivatives through createGraph) over the same cases: each
 * backward formula is written with tensor ops, so differentiating it again must work too.
 */
import * as T from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { GradcheckError, gradcheck, gradgradcheck } from '../src/index';

type Tensor = T.Tensor;
const gen = new T.Generator(7);

/** Seeded uniform values in [lo, hi), away from the kinks of abs/relu/round when asked. */
function rand(shape: number[], lo = -2, hi = 2): Tensor {
  return T.rand(shape, { dtype: 'float64', generator: gen })
    .mul(hi - lo)
    .add(lo)
    .requiresGrad_();
}
const pos = (shape: number[]) => rand(shape, 0.5, 2);
/** Values far from integers (for floor/round/fmod, whose derivative jumps there). */
const offGrid = (shape: number[]) =>
  rand(shape, 0, 1)
    .mul(0.4)
    .add(0.3)
    .add(
      T.arange(
        0,
        shape.reduce((a, b) => a * b),
        1,
        { dtype: 'float64' },
      ).reshape(shape),
    )
    .sub(2)
    .detach()
    .requiresGrad_();
/** Random square matrices plus 3 on the diagonal: far from singular. */
const wellConditioned = (n: number, batch?: number) =>
  T.rand(batch ? [batch, n, n] : [n, n], { dtype: 'float64', generator: gen })
    .add(T.eye(n, n, { dtype: 'float64' }).mul(3))
    .requiresGrad_();
const idx = (data: number[] | number[][]) => T.tensor(data, { dtype: 'int64' });
const mask = (data: boolean[] | boolean[][]) => T.tensor(data);
const f64 = (data: number[] | number[][]) =>
  T.tensor(data, { dtype: 'float64', requiresGrad: true });

type Case = [string, (...xs: Tensor[]) => Tensor | Tensor[], () => Tensor[]];

const unary: Case[] = (
  [
    ['neg', (x) => x.neg(), rand],
    ['abs', (x) => x.abs(), rand],
    ['sqrt', (x) => x.sqrt(), pos],
    ['rsqrt', (x) => x.rsqrt(), pos],
    ['exp', (x) => x.exp(), rand],
    ['expm1', (x) => x.expm1(), rand],
    ['log', (x) => x.log(), pos],
    ['log1p', (x) => x.log1p(), pos],
    ['log2', (x) => x.log2(), pos],
    ['sin', (x) => x.sin(), rand],
    ['cos', (x) => x.cos(), rand],
    ['tan', (x) => x.tan(), (s: number[]) => rand(s, -1, 1)],
    ['asin', (x) => T.asin(x), (s: number[]) => rand(s, -0.8, 0.8)],
    ['acos', (x) => T.acos(x), (s: number[]) => rand(s, -0.8, 0.8)],
    ['atan', (x) => T.atan(x), rand],
    ['sinh', (x) => T.sinh(x), rand],
    ['cosh', (x) => T.cosh(x), rand],
    ['tanh', (x) => x.tanh(), rand],
    ['sigmoid', (x) => x.sigmoid(), rand],
    ['relu', (x) => x.relu(), rand],
    ['erf', (x) => x.erf(), rand],
    ['reciprocal', (x) => x.reciprocal(), pos],
    ['square', (x) => x.square(), rand],
    ['floor', (x) => x.floor(), offGrid],
    ['ceil', (x) => x.ceil(), offGrid],
    ['round', (x) => x.round(), offGrid],
    ['trunc', (x) => x.trunc(), offGrid],
    ['frac', (x) => x.frac(), offGrid],
    ['sign', (x) => x.sign(), rand],
    ['nanToNum', (x) => x.nanToNum(), rand],
  ] as [string, (x: Tensor) => Tensor, (s: number[]) => Tensor][]
).map(([name, fn, make]) => [name, fn as Case[1], () => [make([2, 3])]]);

const binary: Case[] = [
  ['add', (a, b) => a.add(b, { alpha: 2 }), () => [rand([2, 3]), rand([3])]],
  ['sub', (a, b) => a.sub(b), () => [rand([2, 1]), rand([3])]],
  ['mul', (a, b) => a.mul(b), () => [rand([2, 3]), rand([2, 3])]],
  ['div', (a, b) => a.div(b), () => [rand([2, 3]), pos([3])]],
  ['pow', (a, b) => a.pow(b), () => [pos([2, 3]), rand([2, 3])]],
  ['pow scalar', (a) => a.pow(3), () => [rand([4])]],
  ['pow scalar base', (b) => T.pow(2, b), () => [rand([4])]],
  ['maximum', (a, b) => a.maximum(b), () => [rand([2, 3]), rand([2, 3])]],
  ['minimum', (a, b) => a.minimum(b), () => [rand([2, 3]), rand([3])]],
  ['fmod', (a, b) => a.fmod(b), () => [f64([2.3, -3.7, 5.2]), f64([1.5, 1.7, -2.1])]],
  ['remainder', (a, b) => a.remainder(b), () => [f64([2.3, -3.7, 5.2]), f64([1.5, 1.7, -2.1])]],
  ['atan2', (a, b) => a.atan2(b), () => [rand([2, 3]), rand([2, 3])]],
  ['reluBackward', (g, y) => T.reluBackward(g, y), () => [rand([2, 3]), rand([2, 3])]],
  ['lerp', (a, b, w) => a.lerp(b, w), () => [rand([3]), rand([3]), f64([0.2, 0.7, 0.4])]],
  ['where', (a, b) => T.where(mask([true, false, true]), a, b), () => [rand([2, 3]), rand([3])]],
  ['clamp', (x) => x.clamp(-0.5, 0.5), () => [rand([2, 3])]],
  ['clamp min only', (x) => x.clamp(-0.5), () => [rand([2, 3])]],
  [
    'clamp tensors',
    (x, lo, hi) => x.clamp(lo, hi),
    () => [f64([-1, 0.1, 2, 0.3]), f64([-0.5, -0.5, 0, 0.5]), f64([0.5, 0.5, 1, 0.4])],
  ],
  ['floorDivide', (a, b) => a.floorDivide(b), () => [f64([2.3, -3.7]), f64([1.5, 1.1])]],
];

const reductions: Case[] = [
  ['sum', (x) => x.sum(), () => [rand([2, 3])]],
  ['sum dims keepdim', (x) => x.sum([0, 2], { keepdim: true }), () => [rand([2, 3, 2])]],
  ['mean', (x) => x.mean(1), () => [rand([2, 3])]],
  ['prod', (x) => x.prod(), () => [rand([2, 3])]],
  ['prod dim', (x) => x.prod(1, { keepdim: true }), () => [rand([2, 3])]],
  ['inverse', (a) => T.inverse(a), () => [wellConditioned(3)]],
  ['det batch', (a) => T.det(a), () => [wellConditioned(3, 2)]],
  ['slogdet', (a) => T.slogdet(a).logabsdet, () => [wellConditioned(3)]],
  ['solve matrix', (a, b) => T.solve(a, b), () => [wellConditioned(3), rand([3, 2])]],
  ['solve vector', (a, b) => T.solve(a, b), () => [wellConditioned(3), rand([3])]],
  // Through x x^T + 3I, as PyTorch's own check: cholesky reads one triangle of a symmetric input.
  [
    'cholesky',
    (x) => T.cholesky(x.matmul(x.mT).add(T.eye(3, 3, { dtype: 'float64' }).mul(3))),
    () => [rand([3, 3])],
  ],
  [
    'cholesky upper',
    (x) =>
      T.cholesky(x.matmul(x.mT).add(T.eye(3, 3, { dtype: 'float64' }).mul(3)), { upper: true }),
    () => [rand([3, 3])],
  ],
  // Eigen- and singular vectors are unique up to sign: the checks read them through squares.
  [
    'eigh',
    (x) => {
      const [l, v] = T.linalg.eigh(x.add(x.mT));
      return T.cat([l, v.square().flatten()]);
    },
    () => [rand([3, 3])],
  ],
  ['eigvalsh batch', (x) => T.linalg.eigvalsh(x.add(x.mT)), () => [rand([2, 3, 3])]],
  ...(
    [
      ['svd tall', [4, 3], false],
      ['svd wide', [2, 3, 4], false],
      ['svd square', [3, 3], false],
      ['svd full', [4, 2], true],
    ] as const
  ).map(
    ([name, shape, fullMatrices]): Case => [
      name,
      (x) => {
        const [u, s, vh] = T.linalg.svd(x, { fullMatrices });
        const k = s.shape[s.ndim - 1];
        const uk = u.narrow(-1, 0, k);
        const vk = vh.narrow(-2, 0, k);
        return T.cat([s.flatten(), uk.square().flatten(), vk.square().flatten()]);
      },
      () => [rand([...shape])],
    ],
  ),
  ...(
    [
      ['qr tall', [4, 3]],
      ['qr wide batch', [2, 2, 4]],
      ['qr square', [3, 3]],
    ] as const
  ).map(
    ([name, shape]): Case => [
      name,
      (x) => {
        const [q, r] = T.linalg.qr(x);
        return T.cat([q.flatten(), r.flatten()]);
      },
      () => [rand([...shape])],
    ],
  ),
  ['lstsq tall', (a, b) => T.linalg.lstsq(a, b).solution, () => [rand([4, 2]), rand([4, 3])]],
  ['lstsq wide vector', (a, b) => T.linalg.lstsq(a, b).solution, () => [rand([2, 3]), rand([2])]],
  ['svdvals', (x) => T.linalg.svdvals(x), () => [rand([3, 4])]],
  ['matrixNorm nuc', (x) => T.linalg.matrixNorm(x, 'nuc'), () => [rand([4, 3])]],
  [
    'prod with a zero',
    (x) => x.prod(1),
    () => [
      f64([
        [1.5, 0, 2],
        [0, 0, 3],
      ]),
    ],
  ],
  ['amax', (x) => x.amax(1), () => [rand([2, 3])]],
  ['amin keepdim', (x) => x.amin(0, { keepdim: true }), () => [rand([2, 3])]],
  ['max', (x) => x.max(), () => [rand([2, 3])]],
  ['min', (x) => x.min(), () => [rand([2, 3])]],
  ['max dim', (x) => x.max(1).values, () => [rand([2, 3])]],
  ['min dim keepdim', (x) => x.min(0, { keepdim: true }).values, () => [rand([2, 3])]],
  ['std', (x) => x.std(1), () => [rand([2, 4])]],
  ['var', (x) => x.var(), () => [rand([2, 4])]],
  ['norm', (x) => x.norm(), () => [rand([2, 3])]],
  ['norm p=1', (x) => x.norm(1, 1), () => [rand([2, 3])]],
  ['norm p=3', (x) => x.norm(3), () => [rand([2, 3])]],
  ['norm p=inf', (x) => x.norm(Number.POSITIVE_INFINITY, 0), () => [rand([2, 3])]],
  ['logsumexp', (x) => x.logsumexp(1), () => [rand([2, 3])]],
  ['cumsum', (x) => x.cumsum(1), () => [rand([2, 3])]],
  ['cumprod', (x) => x.cumprod(1), () => [rand([2, 3])]],
  ['cumprod with zeros', (x) => x.cumprod(0), () => [f64([1.5, 0, 2, -1.2, 0])]],
  ['softmax', (x) => x.softmax(1), () => [rand([2, 3])]],
  ['logSoftmax', (x) => x.logSoftmax(0), () => [rand([2, 3])]],
];

const views: Case[] = [
  ['view', (x) => x.view([3, 2]), () => [rand([2, 3])]],
  ['reshape non-contiguous', (x) => x.t().reshape([6]), () => [rand([2, 3])]],
  ['permute', (x) => x.permute([2, 0, 1]), () => [rand([2, 3, 2])]],
  ['transpose', (x) => x.transpose(0, 1), () => [rand([2, 3])]],
  ['squeeze/unsqueeze', (x) => x.unsqueeze(1).squeeze(0), () => [rand([1, 3])]],
  ['expand', (x) => x.expand([2, 3, 3]), () => [rand([3, 1])]],
  ['flatten/unflatten', (x) => x.flatten().unflatten(0, [3, 2]), () => [rand([2, 3])]],
  ['narrow', (x) => x.narrow(1, 1, 2), () => [rand([2, 3])]],
  ['select', (x) => x.select(1, 2), () => [rand([2, 3])]],
  ['slice with step', (x) => x.slice(1, 0, null, 2), () => [rand([2, 5])]],
  ['index', (x) => x.index('...', '1:', null), () => [rand([2, 3])]],
  ['index with a tensor', (x) => x.index(':', idx([2, 0, 2])), () => [rand([2, 3])]],
  [
    'index with a mask',
    (x) =>
      x.index(
        mask([
          [true, false, true],
          [false, true, true],
        ]),
      ),
    () => [rand([2, 3])],
  ],
  ['movedim', (x) => x.movedim(0, 2), () => [rand([2, 3, 2])]],
  ['diagonal', (x) => x.diagonal(1), () => [rand([3, 4])]],
  ['asStrided', (x) => x.asStrided([2, 2], [1, 2], 1), () => [rand([6])]],
  ['asStrided overlapping', (x) => x.asStrided([3, 2], [1, 1]), () => [rand([4])]],
  ['unfold', (x) => x.unfold(0, 3, 1), () => [rand([5])]],
  ['contiguous', (x) => x.t().contiguous(), () => [rand([2, 3])]],
  ['split', (x) => x.split([1, 2], 1), () => [rand([2, 3])]],
  ['chunk', (x) => x.chunk(2, 0), () => [rand([3, 2])]],
  ['unbind', (x) => x.unbind(1), () => [rand([2, 3])]],
  ['repeat', (x) => x.repeat(2, 1, 2), () => [rand([2, 3])]],
  ['tile', (x) => x.tile([2]), () => [rand([3])]],
  ['flip', (x) => x.flip(0, 1), () => [rand([2, 3])]],
  ['roll', (x) => x.roll(1, 1), () => [rand([2, 3])]],
  ['cat', (a, b) => T.cat([a, b], 1), () => [rand([2, 3]), rand([2, 1])]],
  ['stack', (a, b) => T.stack([a, b], 1), () => [rand([2, 3]), rand([2, 3])]],
  ['meshgrid', (a, b) => T.meshgrid([a, b], { indexing: 'xy' }), () => [rand([2]), rand([3])]],
];

const indexing: Case[] = [
  [
    'gather',
    (x) =>
      x.gather(
        1,
        idx([
          [0, 0],
          [2, 1],
        ]),
      ),
    () => [rand([2, 3])],
  ],
  [
    'scatter',
    (x, s) =>
      x.scatter(
        1,
        idx([
          [0, 2],
          [1, 0],
        ]),
        s,
      ),
    () => [rand([2, 3]), rand([2, 2])],
  ],
  ['scatter value', (x) => x.scatter(0, idx([1, 1]), 5), () => [rand([3])]],
  ['scatterAdd', (x, s) => x.scatterAdd(0, idx([0, 0, 2]), s), () => [rand([3]), rand([3])]],
  [
    'scatterReduce sum',
    (x, s) => x.scatterReduce(0, idx([0, 0, 2]), s, 'sum'),
    () => [rand([3]), rand([3])],
  ],
  [
    'scatterReduce prod',
    (x, s) => x.scatterReduce(0, idx([0, 0, 2]), s, 'prod'),
    () => [rand([3]), rand([3])],
  ],
  [
    'scatterReduce prod with zero',
    (x, s) => x.scatterReduce(0, idx([0, 0, 2]), s, 'prod'),
    () => [f64([1.5, 2, 0]), f64([0, 2, 3])],
  ],
  [
    'scatterReduce mean',
    (x, s) => x.scatterReduce(0, idx([0, 0, 2]), s, 'mean'),
    () => [rand([3]), rand([3])],
  ],
  [
    'scatterReduce mean exclude self',
    (x, s) => x.scatterReduce(0, idx([0, 0, 2]), s, 'mean', { includeSelf: false }),
    () => [rand([3]), rand([3])],
  ],
  [
    'scatterReduce amax',
    (x, s) => x.scatterReduce(0, idx([0, 0, 2]), s, 'amax'),
    () => [rand([3]), rand([3])],
  ],
  [
    'scatterReduce amin exclude self',
    (x, s) => x.scatterReduce(0, idx([0, 0, 2]), s, 'amin', { includeSelf: false }),
    () => [rand([3]), rand([3])],
  ],
  ['indexSelect', (x) => x.indexSelect(0, idx([1, 1, 0])), () => [rand([2, 3])]],
  [
    'indexAdd',
    (x, s) => x.indexAdd(1, idx([2, 0]), s, { alpha: 2 }),
    () => [rand([2, 3]), rand([2, 2])],
  ],
  ['maskedFill', (x) => x.maskedFill(mask([true, false, true]), 0.5), () => [rand([2, 3])]],
  ['maskedSelect', (x) => x.maskedSelect(mask([true, false, true])), () => [rand([2, 3])]],
  ['take', (x) => x.take(idx([5, 0, 5])), () => [rand([2, 3])]],
  ['sort', (x) => x.sort(1, { descending: true }).values, () => [rand([2, 4])]],
  ['topk', (x) => x.topk(2).values, () => [rand([2, 4])]],
];

const conv: T.ConvolutionOptions = { stride: [2, 1], padding: [1, 1], dilation: [1, 2] };
const linalg: Case[] = [
  [
    'convolution',
    (x, w, b) => T.convolution(x, w, b, conv),
    () => [rand([2, 2, 5, 6]), rand([3, 2, 2, 3]), rand([3])],
  ],
  [
    'convolutionInputGrad',
    (g, w) => T.convolutionInputGrad(g, w, [2, 2, 5, 6], conv),
    () => [rand([2, 3, 3, 4]), rand([3, 2, 2, 3])],
  ],
  [
    'convolutionWeightGrad',
    (g, x) => T.convolutionWeightGrad(g, x, [3, 2, 2, 3], conv),
    () => [rand([2, 3, 3, 4]), rand([2, 2, 5, 6])],
  ],
  [
    'maxPool (overlapping windows share an argmax)',
    (x) => T.maxPool(x, [3, 2], { stride: [1, 2], padding: [1, 0] })[0],
    // Distinct values a step apart: central differences never cross a tie.
    () => [
      T.randperm(2 * 3 * 5 * 4, { generator: gen })
        .reshape([2, 3, 5, 4])
        .double()
        .requiresGrad_(),
    ],
  ],
  [
    'avgPool (ceil mode, padding left out)',
    (x) =>
      T.avgPool(x, [3, 2], {
        stride: [2, 1],
        padding: [1, 1],
        outputSize: [4, 5],
        countIncludePad: false,
      }),
    () => [rand([2, 2, 6, 4])],
  ],
  [
    'avgPoolBackward',
    (g) => T.avgPoolBackward(g, [2, 2, 5, 4], [3, 2], { stride: [2, 1], divisorOverride: 5 }),
    () => [rand([2, 2, 2, 3])],
  ],
  ['mm', (a, b) => a.mm(b), () => [rand([2, 3]), rand([3, 2])]],
  ['bmm', (a, b) => a.bmm(b), () => [rand([2, 2, 3]), rand([2, 3, 2])]],
  ['matmul broadcast', (a, b) => a.matmul(b), () => [rand([2, 1, 2, 3]), rand([3, 3, 2])]],
  ['matmul vector-matrix', (a, b) => a.matmul(b), () => [rand([3]), rand([2, 3, 2])]],
  ['matmul matrix-vector', (a, b) => a.matmul(b), () => [rand([2, 3]), rand([3])]],
  ['dot', (a, b) => a.dot(b), () => [rand([3]), rand([3])]],
  ['outer', (a, b) => a.outer(b), () => [rand([2]), rand([3])]],
  [
    'einsum bilinear',
    (a, w, b) => T.einsum('bi,ij,bj->b', a, w, b),
    () => [rand([2, 3]), rand([3, 2]), rand([2, 2])],
  ],
  ['einsum trace/diag', (a) => T.einsum('ii->i', a), () => [rand([3, 3])]],
  [
    'einsum ellipsis',
    (a, b) => T.einsum('...ij,...jk->...ik', a, b),
    () => [rand([2, 2, 3]), rand([3, 2])],
  ],
  ['trace', (a) => a.trace(), () => [rand([3, 3])]],
  ['diag', (a) => a.diag(1), () => [rand([3])]],
  ['diag of matrix', (a) => a.diag(-1), () => [rand([3, 3])]],
  ['diagEmbed', (a) => T.diagEmbed(a), () => [rand([2, 3])]],
  ['triu', (a) => a.triu(), () => [rand([3, 3])]],
  ['tril', (a) => a.tril(-1), () => [rand([3, 4])]],
];

const groups: [string, Case[]][] = [
  ['elementwise', [...unary, ...binary]],
  ['reductions', reductions],
  ['views and joining', views],
  ['indexing', indexing],
  ['linalg', linalg],
];

for (const [group, cases] of groups) {
  describe(`gradcheck: ${group}`, () => {
    for (const [name, fn, make] of cases) {
      it(name, () => {
        expect(gradcheck(fn, make())).toBe(true);
      });
    }
  });
  describe(`gradgradcheck: ${group}`, () => {
    for (const [name, fn, make] of cases) {
      it(name, () => {
        expect(gradgradcheck(fn, make())).toBe(true);
      });
    }
  });
}

describe('gradcheck itself', () => {
  it('catches a wrong gradient and reports the Jacobians', () => {
    const wrong = (x: Tensor) => T.noGrad(() => x.mul(2)).add(x); // forward 3x, gradient 1
    expect(() => gradcheck(wrong, [rand([2])])).toThrow(GradcheckError);
    expect(gradcheck(wrong, [rand([2])], { raiseException: false })).toBe(false);
  });

  it('requires float64 inputs', () => {
    const x = T.tensor([1.5], { requiresGrad: true });
    expect(() => gradcheck((t) => t.mul(2), [x])).toThrow(/float64/);
  });
});

describe("qr's gradient where PyTorch has none", () => {
  it("refuses mode 'r' and complete mode of a tall matrix with PyTorch's messages", () => {
    const x = rand([4, 3]);
    expect(() => T.linalg.qr(x, { mode: 'r' })[1].sum().backward()).toThrow(/mode='r'/);
    expect(() =>
      T.linalg
        .qr(rand([4, 3]), { mode: 'complete' })[0]
        .sum()
        .backward(),
    ).toThrow(/not differentiable when mode='complete' and nrows > ncols/);
  });
});

describe("lstsq's gradient", () => {
  it("is PyTorch's (Debian torch 1.13: LinalgLstsqBackward0 of a 3x2 fit)", () => {
    const a = T.tensor(
      [
        [1, 1],
        [1, 2],
        [1, 3],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    const b = T.tensor([[1], [2], [2]], { dtype: 'float64', requiresGrad: true });
    T.linalg.lstsq(a, b).solution.sum().backward();
    // torch.linalg.lstsq(a, b).solution.sum().backward(): a.grad and b.grad, to 4 places.
    const want = {
      a: [-0.7778, -0.3333, 0.2222, -0.3333, -0.1111, 0.1667],
      b: [0.8333, 0.3333, -0.1667],
    };
    Array.from((a.grad as T.Tensor).dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(want.a[i], 4);
    });
    Array.from((b.grad as T.Tensor).dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(want.b[i], 4);
    });
  });
});
