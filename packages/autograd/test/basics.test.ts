/** The tensor-facing autograd API: flags, .grad accumulation, errors, hooks, grad modes, grad(). */
import * as T from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import {
  AutogradError,
  backward,
  enableGrad,
  grad,
  gradcheck,
  gradgradcheck,
  isGradEnabled,
  noGrad,
  setGradEnabled,
} from '../src/index';

const vec = (data: number[], requiresGrad = true) =>
  T.tensor(data, { dtype: 'float64', requiresGrad });
const values = (t: T.Tensor | null) => Array.from(t!.dataSync());

describe('graph bookkeeping', () => {
  it('records gradFn names, leaves and requiresGrad', () => {
    const x = vec([1, 2, 3]);
    const y = x.mul(2);
    expect(x.isLeaf).toBe(true);
    expect(x.gradFn).toBeNull();
    expect(y.isLeaf).toBe(false);
    expect(y.requiresGrad).toBe(true);
    expect(y.gradFn?.name).toBe('MulBackward0');
    expect(y.sum().gradFn?.name).toBe('SumBackward0');
    expect(y.view([3, 1]).sum(0).gradFn?.name).toBe('SumBackward1');
    expect(x.exp().gradFn?.name).toBe('ExpBackward0');
    expect(x.view([3, 1]).gradFn?.name).toBe('ViewBackward0');
    expect(T.tensor([[1.5, 2]], { requiresGrad: true }).mm(T.ones([2, 2])).gradFn?.name).toBe(
      'MmBackward0',
    );
  });

  it('does not record without an input that requires grad, nor for integer results', () => {
    const x = vec([1, 2, 3], false);
    expect(x.mul(2).requiresGrad).toBe(false);
    const y = vec([1, 2, 3]);
    expect(y.gt(1).requiresGrad).toBe(false);
    expect(y.argmax().requiresGrad).toBe(false);
    expect(y.max(0).indices.requiresGrad).toBe(false);
  });

  it('only floating tensors can require grad', () => {
    expect(() => T.tensor([1, 2], { requiresGrad: true })).toThrow(/floating point/);
  });
});

describe('backward', () => {
  it('accumulates into .grad across calls', () => {
    const x = vec([1, 2, 3]);
    x.mul(x).sum().backward();
    expect(values(x.grad)).toEqual([2, 4, 6]);
    x.mul(3).sum().backward();
    expect(values(x.grad)).toEqual([5, 7, 9]);
  });

  it('reduces broadcast dimensions', () => {
    const a = T.ones([2, 3], { dtype: 'float64', requiresGrad: true });
    const b = T.ones([3], { dtype: 'float64', requiresGrad: true });
    const c = T.ones([2, 1], { dtype: 'float64', requiresGrad: true });
    a.mul(b).add(c).sum().backward();
    expect(a.grad!.shape).toEqual([2, 3]);
    expect(values(b.grad)).toEqual([2, 2, 2]);
    expect(values(c.grad)).toEqual([3, 3]);
  });

  it('takes an explicit gradient for non-scalar outputs and refuses to invent one', () => {
    const x = vec([1, 2]);
    const y = x.mul(3);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow('grad can be implicitly created only for scalar outputs');
    y.backward(T.tensor([1, 10], { dtype: 'float64' }));
    expect(values(x.grad)).toEqual([3, 30]);
    expect(() => x.mul(2).backward(T.ones([3], { dtype: 'float64' }))).toThrow(/Mismatch in shape/);
  });

  it('errors on a tensor that does not require grad', () => {
    expect(() => vec([1], false).backward()).toThrow(/does not require grad/);
  });

  it('frees the graph unless retainGraph, and says so on a second pass', () => {
    const x = vec([1, 2]);
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(/backward through the graph a second time/);
    const z = x.exp().sum();
    z.backward(undefined, { retainGraph: true });
    z.backward();
    expect(values(x.grad)[0]).toBeCloseTo(2 + 2 * Math.E, 12);
  });

  it('leaves whose value does not need saving can backward twice (as in PyTorch)', () => {
    const x = vec([1, 2]);
    const y = x.add(1).sum();
    y.backward();
    y.backward();
    expect(values(x.grad)).toEqual([2, 2]);
  });

  it('backward({ inputs }) accumulates only into the given tensors', () => {
    const a = vec([1]);
    const b = vec([2]);
    const h = a.mul(b);
    h.retainGrad();
    h.mul(3)
      .sum()
      .backward(undefined, { inputs: [a] });
    expect(values(a.grad)).toEqual([6]);
    expect(b.grad).toBeNull();
    expect(values(h.grad)).toEqual([3]); // its gradient was computed on the way, as in PyTorch
  });

  it('backward over several outputs (torch.autograd.backward)', () => {
    const x = vec([1, 2]);
    backward([x.mul(2).sum(), x.mul(x)], [undefined, T.ones([2], { dtype: 'float64' })]);
    expect(values(x.grad)).toEqual([4, 6]);
  });

  it('runs a diamond-shaped graph once per node', () => {
    const x = vec([3]);
    const h = x.mul(2);
    h.mul(h).add(h).sum().backward(); // d/dx (4x^2 + 2x) = 8x + 2
    expect(values(x.grad)).toEqual([26]);
  });

  it('handles casts between float dtypes', () => {
    const x = T.tensor([1.5, 2], { dtype: 'float32', requiresGrad: true });
    x.double().mul(2).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(values(x.grad)).toEqual([2, 2]);
  });
});

describe('ties', () => {
  it('amax/amin share the gradient evenly among tied extremes', () => {
    const x = vec([1, 3, 3, 2, 3]);
    x.amax().backward();
    expect(values(x.grad)).toEqual([0, 1 / 3, 1 / 3, 0, 1 / 3]);
    const y = T.tensor(
      [
        [1, 1],
        [0, 2],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    y.amin(1).sum().backward();
    expect(values(y.grad)).toEqual([0.5, 0.5, 1, 0]);
  });

  it('max(dim) gives the whole gradient to the selected (first) index', () => {
    const x = vec([1, 3, 3, 2]);
    x.max(0).values.backward();
    expect(values(x.grad)).toEqual([0, 1, 0, 0]);
  });

  it('maximum(a, b) splits the gradient on ties', () => {
    const a = vec([1, 2]);
    const b = vec([1, 0]);
    a.maximum(b).sum().backward();
    expect(values(a.grad)).toEqual([0.5, 1]);
    expect(values(b.grad)).toEqual([0.5, 0]);
  });
});

describe('detach', () => {
  it('detach() cuts the graph but shares storage', () => {
    const x = vec([1, 2]);
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    const y = x.mul(d).sum();
    y.backward();
    expect(values(x.grad)).toEqual([2, 4]);
  });

  it('detach_() turns a non-leaf into a leaf', () => {
    const y = vec([1, 2]).mul(2);
    y.detach_();
    expect(y.isLeaf).toBe(true);
    expect(y.requiresGrad).toBe(false);
  });
});

describe('retainGrad and hooks', () => {
  it('retainGrad keeps a non-leaf gradient', () => {
    const x = vec([1, 2]);
    const h = x.mul(2);
    h.retainGrad();
    h.mul(h).sum().backward();
    expect(values(h.grad)).toEqual([4, 8]);
    expect(() => vec([1], false).retainGrad()).toThrow(/requires_grad=False/);
  });

  it('hooks see the gradient, can replace it, and can be removed', () => {
    const x = vec([1, 2]);
    const seen: number[][] = [];
    const h = x.mul(3);
    const handle = h.registerHook((g) => {
      seen.push(values(g));
      return g.mul(10);
    });
    h.sum().backward(undefined, { retainGraph: true });
    expect(seen).toEqual([[1, 1]]);
    expect(values(x.grad)).toEqual([30, 30]);
    handle.remove();
    h.sum().backward();
    expect(values(x.grad)).toEqual([33, 33]);
  });

  it('leaf hooks run before accumulation; hooks returning nothing keep the gradient', () => {
    const x = vec([1, 2]);
    let calls = 0;
    x.registerHook(() => {
      calls++;
    });
    x.registerHook((g) => g.neg());
    x.sum().backward();
    expect(calls).toBe(1);
    expect(values(x.grad)).toEqual([-1, -1]);
    expect(() => vec([1], false).registerHook((g) => g)).toThrow(/doesn't require gradient/);
  });

  it('retained gradients come after the hooks', () => {
    const x = vec([1]);
    const h = x.mul(2);
    h.retainGrad();
    h.registerHook((g) => g.mul(5));
    h.sum().backward();
    expect(values(h.grad)).toEqual([5]);
    expect(values(x.grad)).toEqual([10]);
  });
});

describe('grad modes', () => {
  it('noGrad stops recording; enableGrad resumes it inside', () => {
    const x = vec([1]);
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    const z = noGrad(() => enableGrad(() => x.mul(2)));
    expect(z.requiresGrad).toBe(true);
    expect(isGradEnabled()).toBe(true);
  });

  it('setGradEnabled switches it globally', () => {
    setGradEnabled(false);
    try {
      expect(vec([1]).exp().requiresGrad).toBe(false);
    } finally {
      setGradEnabled(true);
    }
    expect(vec([1]).exp().requiresGrad).toBe(true);
  });

  it('manual SGD: in-place updates of leaves under noGrad', () => {
    const w = vec([1, 2]);
    w.mul(w).sum().backward();
    noGrad(() => {
      w.sub_(w.grad!.mul(0.1));
      w.grad!.zero_();
    });
    expect(values(w)).toEqual([0.8, 1.6]);
    expect(values(w.grad)).toEqual([0, 0]);
    expect(w.isLeaf).toBe(true);
  });
});

describe('autograd.grad', () => {
  it('returns gradients without touching .grad', () => {
    const x = vec([1, 2]);
    const y = vec([3, 4]);
    const [gx, gy] = grad(x.mul(y).sum(), [x, y]);
    expect(values(gx)).toEqual([3, 4]);
    expect(values(gy)).toEqual([1, 2]);
    expect(x.grad).toBeNull();
  });

  it('takes gradOutputs and gradients for non-leaf inputs', () => {
    const x = vec([1, 2]);
    const h = x.mul(2);
    const out = h.exp();
    const [gh] = grad(out, h, { gradOutputs: T.ones([2], { dtype: 'float64' }) });
    expect(values(gh)).toEqual(values(h.exp()));
  });

  it('errors on unused inputs unless allowUnused', () => {
    const x = vec([1]);
    const unused = vec([1]);
    const y = x.mul(2).sum();
    expect(() => grad(y, [x, unused], { retainGraph: true })).toThrow(/allowUnused/);
    const [gx, gu] = grad(y, [x, unused], { allowUnused: true });
    expect(values(gx)).toEqual([2]);
    expect(gu).toBeNull();
    expect(() => grad(x.mul(2).sum(), vec([1], false))).toThrow(/does not require grad/);
  });

  it('runs only the part of the graph that leads to the inputs', () => {
    const x = vec([1]);
    const other = vec([2]);
    let otherHookRuns = 0;
    other.registerHook(() => {
      otherHookRuns++;
    });
    const [gx] = grad(x.mul(other).sum(), x);
    expect(values(gx)).toEqual([2]);
    expect(otherHookRuns).toBe(0);
  });

  it('createGraph makes gradients differentiable (d2/dx2 x^3 = 6x)', () => {
    const x = vec([2]);
    const [g] = grad(x.pow(3).sum(), x, { createGraph: true });
    expect(values(g)).toEqual([12]);
    expect(g!.requiresGrad).toBe(true);
    const [g2] = grad(g!.sum(), x);
    expect(values(g2)).toEqual([12]);
  });

  it('backward with createGraph leaves a differentiable .grad', () => {
    const x = vec([3]);
    x.pow(2).sum().backward(undefined, { createGraph: true });
    const gx = x.grad!;
    expect(gx.requiresGrad).toBe(true);
    const [g2] = grad(gx.sum(), x);
    expect(values(g2)).toEqual([2]);
  });
});

describe('complex tensors', () => {
  const A = () =>
    T.tensor(
      [
        [2, -1, 0.5],
        [1, 3, -2],
        [0.25, 1, 1],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
  const W = T.tensor(
    [
      [1, 2, 3],
      [0.5, -1, 2],
      [3, 1, -2],
    ],
    { dtype: 'float64' },
  );
  // A real loss of eig's outputs that does not depend on each eigenvector's phase.
  const eigLoss = (a: T.Tensor) => {
    const [L, V] = T.linalg.eig(a);
    return L.real.sum().add(L.imag.abs().sum().mul(0.5)).add(V.abs().mul(W).sum());
  };

  it("give eig PyTorch's gradient, eigenvalues and eigenvectors both", () => {
    const a = A();
    const [g] = grad(eigLoss(a), [a]);
    // torch.autograd.grad of the same loss in torch 1.13 (float64).
    const torch = [
      [1.0182274623136436, -2.1276328261271744, -0.5560825487054419],
      [1.1202483807596695, 1.3663539385029366, 0.49897014791282335],
      [-1.0757911673751084, -1.0833698874494357, 0.6154185991834189],
    ];
    expect(T.allclose(g!, T.tensor(torch, { dtype: 'float64' }), { rtol: 1e-9, atol: 1e-12 })).toBe(
      true,
    );
    expect(gradcheck(eigLoss, [A()])).toBe(true);
  });

  it("refuse a loss that depends on the eigenvectors' arbitrary phases, as PyTorch", () => {
    const a = A();
    const [, V] = T.linalg.eig(a);
    expect(() => grad(V.real.sum(), [a])).toThrow(/specified up to multiplication by e\^\{i phi\}/);
  });

  it('differentiate through complex arithmetic with conjugates (gradcheck on real parts)', () => {
    const f = (re: T.Tensor, im: T.Tensor) => {
      const z = T.complex(re, im);
      const w = z.mul(z.conj().add(1)).div(z.sub(T.complex(im, re).mul(0.5)));
      return w
        .matmul(z.view([2, 1]).expand([2, 3]))
        .abs()
        .sum()
        .add(w.angle().sum());
    };
    expect(gradcheck(f, [vec([1, 2]), vec([0.5, -1])])).toBe(true);
    expect(gradgradcheck(f, [vec([1, 2]), vec([0.5, -1])])).toBe(true);
  });

  it('refuse what has no complex formula, and implicit gradients of complex outputs', () => {
    const z = T.complex(vec([1, 2]), vec([3, 4]));
    expect(() => z.exp()).toThrow(/exp: not implemented for 'complex128'/);
    expect(() => z.index(T.tensor([0]))).toThrow(/autograd through complex tensors covers/);
    expect(() => backward(z.sum())).toThrow(/only for real scalar outputs/);
  });

  it('are computed without grad, detached or under noGrad', () => {
    const x = vec([1, 2]);
    const y = vec([3, 4]);
    expect(T.complex(x.detach(), y.detach()).requiresGrad).toBe(false);
    const z = noGrad(() => T.complex(x, y));
    expect(z.requiresGrad).toBe(false);
    expect(z.abs().requiresGrad).toBe(false);
  });
});

describe('complex tensors with the rest of autograd', () => {
  const d = (data: number[]) => T.tensor(data, { dtype: 'float64' });

  it('let comparisons and checks of complex tensors that require grad through', () => {
    const z = T.complex(d([1, 2]), d([3, 4])).requiresGrad_();
    expect(T.eq(z, z).all().item()).toBe(1);
    expect(T.isnan(z).any().item()).toBe(0);
    expect(T.allclose(z, z)).toBe(true);
  });

  it('differentiate in-place ops on complex results, and refuse them through dtype views', () => {
    const re = vec([1, 2]);
    const im = vec([3, 4]);
    const z = T.complex(re, im);
    z.mul_(T.complex(d([0, 1]), d([1, 0])));
    backward(z.abs().sum());
    // |z * w| = |z| |w| with |w| = 1: d|z|/dre = re / |z|.
    expect(T.allclose(re.grad!, d([1 / Math.sqrt(10), 2 / Math.sqrt(20)]))).toBe(true);
    const y = vec([1, 2, 3, 4]).mul(1);
    expect(() => T.viewAsComplex(y.view([2, 2])).mul_(2)).toThrow(
      /in-place write through a complex128 view of a float64 tensor/,
    );
    const w = T.complex(d([1]), d([2])).requiresGrad_();
    expect(() => w.real.mul_(2)).toThrow(/view of a leaf Variable that requires grad/);
  });

  it('check a complex output as its parts (gradcheck) and refuse mismatched gradient dtypes', () => {
    expect(
      gradcheck((a: T.Tensor) => T.complex(a, a.mul(2)).mul(T.complex(a, a)), [vec([1, 2])]),
    ).toBe(true);
    const z = T.complex(vec([1, 2]), vec([3, 4]));
    expect(() => backward(z, d([1, 1]))).toThrow(
      /both grad_output and output are required to have the same dtype/,
    );
    expect(() => backward(z.abs(), T.complex(d([1, 1]), d([0, 0])))).toThrow(/same dtype/);
  });
});

describe('gradgradcheck of a complex output', () => {
  it('draws and perturbs its gradient as real and imaginary parts', () => {
    const f = (a: T.Tensor, b: T.Tensor) => T.complex(a, b).mul(T.complex(b, a));
    expect(gradgradcheck(f, [vec([1, 2]), vec([0.5, -1])])).toBe(true);
  });
});
