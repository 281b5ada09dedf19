/**
 * Complex tensors beyond the goldens (test/fixtures/complex.json): shared memory between a
 * complex tensor and its parts, the refusals of what Tensile does not compute on complex
 * numbers, and how values come out to JS.
 */
import { describe, expect, it } from 'vitest';
import * as T from '../src/index';
import { arrayBackend } from './backends/array-backend';

const z = () =>
  T.complex(
    T.tensor([1, -3.5, 0], { dtype: 'float32' }),
    T.tensor([2, -4, 0.25], { dtype: 'float32' }),
  );

describe('complex tensors', () => {
  it('share memory with their parts both ways', () => {
    const c = z();
    const parts = T.viewAsReal(c);
    parts.select(1, 1).mul_(10);
    expect(Array.from(c.imag.dataSync())).toEqual([20, -40, 2.5]);
    c.real.fill_(7);
    expect(Array.from(parts.dataSync())).toEqual([7, 20, 7, -40, 7, 2.5]);
    const back = T.viewAsComplex(parts);
    expect(back.dtype).toBe('complex64');
    back.imag.zero_();
    expect(Array.from(c.dataSync())).toEqual([7, 0, 7, 0, 7, 0]);
    // One version counter: autograd's in-place check sees writes through either side.
    const before = c.version;
    parts.add_(1);
    expect(c.version).toBeGreaterThan(before);
  });

  it('views of views keep reading the right numbers', () => {
    const m = T.complex(
      T.arange(6, { dtype: 'float64' }).view([2, 3]),
      T.ones([2, 3], { dtype: 'float64' }).neg(),
    );
    const col = m.t().select(0, 2); // [m[0, 2], m[1, 2]]
    expect(col.tolist()).toEqual([
      [2, -1],
      [5, -1],
    ]);
    expect(T.viewAsReal(col).stride()).toEqual([6, 1]);
    expect(col.conj().tolist()).toEqual([
      [2, 1],
      [5, 1],
    ]);
  });

  it('come out to JS as [real, imaginary] pairs', () => {
    expect(z().tolist()).toEqual([
      [1, 2],
      [-3.5, -4],
      [0, 0.25],
    ]);
    expect(Array.from(z().dataSync())).toEqual([1, 2, -3.5, -4, 0, 0.25]);
    expect(() => z().sum().item()).toThrow(/two numbers.*real\.item\(\)/);
    expect(
      T.fromTypedArray(new Float32Array([1, 2, 3, 4]), [2], { dtype: 'complex64' }).tolist(),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(() =>
      T.fromTypedArray(new Float32Array([1, 2, 3]), [2], { dtype: 'complex64' }),
    ).toThrow(/shape \[2\] is invalid for input of size 3/);
  });

  it('refuse by name the kernels Tensile has no complex version of', () => {
    for (const [name, f] of [
      ['exp', () => z().exp()],
      ['sqrt', () => z().sqrt()],
      ['pow', () => z().pow(2)],
      ['lt', () => z().lt(1)],
      ['max', () => z().max()],
      ['prod', () => z().prod()],
      ['sort', () => z().sort()],
      ['sign', () => z().sign()],
      ['argmax', () => z().argmax()],
    ] as const)
      expect(f, name).toThrow(/not implemented for 'complex64' tensors/);
    expect(() => T.linalg.det(z().view([3, 1]).expand([3, 3]))).toThrow(T.DTypeError);
  });

  it('can require grad, as floats can', () => {
    const c = z().requiresGrad_();
    expect(c.requiresGrad).toBe(true);
    expect(c.toString()).toContain('requires_grad=True');
    expect(() => T.tensor([1, 2]).requiresGrad_()).toThrow(/floating point and complex dtype/);
  });

  it('live on the CPU only', () => {
    T.registerBackend(arrayBackend);
    expect(() => T.zeros([2], { dtype: 'complex64', device: 'array' })).toThrow(
      /complex64 tensors are supported on the CPU only, not on device 'array'/,
    );
    expect(() => T.tensor([1, 2], { dtype: 'complex128', device: 'array' })).toThrow(T.DTypeError);
    expect(() => z().to('array')).toThrow(/CPU only/);
    expect(() => T.viewAsComplex(T.zeros([2, 2], { device: 'array' }))).toThrow(/CPU only/);
  });

  it('free their memory with their parts', () => {
    let parts: T.Tensor | undefined;
    T.scope(() => {
      parts = T.viewAsReal(z());
    });
    expect(() => parts?.dataSync()).toThrow(/disposed/);
    const c = z();
    const re = c.real;
    c.dispose();
    expect(() => re.dataSync()).toThrow(/disposed/);
  });

  it('print as PyTorch does in every default dtype', () => {
    const c = T.complex(
      T.tensor([1.5], { dtype: 'float64' }),
      T.tensor([-2], { dtype: 'float64' }),
    );
    expect(c.toString()).toBe('tensor([1.5000-2.j], dtype=complex128)');
    T.setDefaultDtype('float64');
    try {
      expect(c.toString()).toBe('tensor([1.5000-2.j])');
      expect(c.to('complex64').toString()).toBe('tensor([1.5000-2.j], dtype=complex64)');
    } finally {
      T.setDefaultDtype('float32');
    }
  });
});

describe('linalg.eig', () => {
  it('decomposes batches: A V = V diag(L) with unit eigenvectors, in complex arithmetic', () => {
    T.manualSeed(3);
    for (const dtype of ['float32', 'float64'] as const) {
      const a = T.randn([3, 6, 6], { dtype });
      const [L, V] = T.linalg.eig(a);
      expect([L.dtype, V.dtype]).toEqual(
        dtype === 'float32' ? ['complex64', 'complex64'] : ['complex128', 'complex128'],
      );
      expect([L.shape, V.shape]).toEqual([
        [3, 6],
        [3, 6, 6],
      ]);
      const tol = dtype === 'float32' ? 1e-4 : 1e-10;
      const residual = a
        .to(V.dtype)
        .matmul(V)
        .sub(V.mul(L.unsqueeze(-2)))
        .abs()
        .amax()
        .item();
      expect(residual).toBeLessThan(tol * 10);
      const norms = V.abs().square().sum(1).sqrt();
      expect(T.allclose(norms, T.ones([3, 6], { dtype }), { atol: tol })).toBe(true);
      expect(T.allclose(T.linalg.eigvals(a), L)).toBe(true);
    }
  });

  it('gives a complex matrix eigenvalues whose sum is its trace', () => {
    T.manualSeed(4);
    const a = T.complex(
      T.randn([5, 5], { dtype: 'float64' }),
      T.randn([5, 5], { dtype: 'float64' }),
    );
    const trace = T.diagonal(a).sum();
    expect(T.allclose(T.linalg.eigvals(a).sum(), trace, { atol: 1e-12 })).toBe(true);
  });

  it('reconstructs A from V diag(L) V^-1, with complex inverses, solves and mH', () => {
    const a = T.tensor(
      [
        [2, -1, 0.5],
        [1, 3, -2],
        [0.25, 1, 1],
      ],
      { dtype: 'float64' },
    );
    const [L, V] = T.linalg.eig(a);
    const back = V.matmul(T.diag(L)).matmul(T.linalg.inv(V));
    expect(back.imag.abs().amax().item()).toBeLessThan(1e-14);
    expect(T.allclose(back.real, a, { atol: 1e-14 })).toBe(true);
    // Unit eigenvectors: the Gram matrix V^H V has ones on its diagonal.
    expect(T.allclose(T.diagonal(V.mH.matmul(V)), T.ones([3], { dtype: 'complex128' }))).toBe(true);
    const b = T.complex(
      T.tensor([1, 2, 3], { dtype: 'float64' }),
      T.zeros([3], { dtype: 'float64' }),
    );
    expect(T.allclose(V.matmul(T.linalg.solve(V, b)), b, { atol: 1e-13 })).toBe(true);
    expect(T.tensor([[1, 2]]).mH.tolist()).toEqual([[1], [2]]);
  });

  it('refuses non-finite input, where LAPACK would give arbitrary values', () => {
    const a = T.tensor([
      [1, Number.NaN],
      [0, 1],
    ]);
    expect(() => T.linalg.eigvals(a)).toThrow(
      /linalg.eigvals: input tensor should not contain infs or NaNs/,
    );
    expect(() => T.linalg.eig(a.mul(Number.POSITIVE_INFINITY))).toThrow(T.ValueError);
  });
});

describe('complex tensors beside the rest of the package', () => {
  const f64 = (data: number[]) => T.tensor(data, { dtype: 'float64' });

  it('are not written into real tensors in place (the imaginary parts would be lost)', () => {
    const x = T.tensor([1, 2, 3], { dtype: 'float32' });
    expect(() => x.add_(z())).toThrow(/complex64 can't be cast to the desired output type float32/);
    expect(() => T.tensor([1, 2, 3]).mul_(z())).toThrow(T.DTypeError);
    const c = z();
    c.add_(T.tensor([1, 1, 1], { dtype: 'float32' }));
    expect(c.real.tolist()).toEqual([2, -2.5, 1]);
  });

  it('are not written into real tensors by indexing ops, fill_, lstsq or norm dtypes either', () => {
    const idx = T.tensor([0, 2]);
    const c2 = T.complex(
      T.tensor([1, 2], { dtype: 'float32' }),
      T.tensor([3, 4], { dtype: 'float32' }),
    );
    const x = () => T.zeros([3]);
    const mask = T.tensor([true, false, true]);
    const c0 = T.complex(T.tensor(7, { dtype: 'float32' }), T.tensor(8, { dtype: 'float32' }));
    for (const f of [
      () => x().scatter_(0, idx, c2),
      () => x().scatterAdd_(0, idx, c2),
      () => T.indexAdd(x(), 0, idx, c2),
      () => x().indexPut_([idx], c2),
      () => x().maskedFill_(mask, c0),
      () => T.indexFill(x(), 0, idx, c0),
      () => x().fill_(c0),
    ])
      expect(f).toThrow(/complex.*(cannot be written into a real tensor|cannot be converted)/);
    const a = T.tensor(
      [
        [1, 0],
        [0, 2],
        [1, 1],
      ],
      { dtype: 'float64' },
    );
    const b = T.complex(f64([1, 2, 3]), f64([1, 1, 1]));
    expect(() => T.linalg.lstsq(a, b)).toThrow(/same dtype/);
    expect(() => T.norm(z(), 2, 0, { dtype: 'float64' })).toThrow(/dtype should be complex/);
    expect(T.norm(z(), 2, 0, { dtype: 'complex128' }).dtype).toBe('float64');
  });

  it('read on the host as pairs: nonzero by either part; unique and sampling refuse them', () => {
    const c = T.complex(f64([0, 2, 0, 0]), f64([0, 0, 6, 0]));
    expect(T.nonzero(c).tolist()).toEqual([[1], [2]]);
    expect(() => T.unique(c)).toThrow(/unique: not implemented for 'complex128'/);
    expect(() => T.multinomial(c, 2, { replacement: true })).toThrow(T.DTypeError);
    expect(() => T.bernoulli(c)).toThrow(T.DTypeError);
  });

  it('are refused by float-only ops instead of being cast to their real parts', () => {
    const c = z().view([1, 3]);
    for (const f of [
      () => T.softmax(c, 1),
      () => T.logSoftmax(c, 1),
      () => T.logsumexp(c, 1),
      () => T.nanToNum(c),
      () => c.normal_(),
      () => c.uniform_(),
    ])
      expect(f).toThrow(/not implemented for 'complex64'/);
  });

  it('survive scopes that return or keep them, views of them included', () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const c = T.scope(() => T.complex(a, b));
    expect(c.tolist()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    const parts = T.scope(() => T.viewAsReal(T.complex(a, b)));
    expect(parts.tolist()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    let kept: T.Tensor | undefined;
    T.scope(() => {
      kept = T.keep(T.complex(a, b).imag);
    });
    expect(kept?.tolist()).toEqual([3, 4]);
  });

  it('have a variance that is real and a modulus that neither overflows nor underflows', () => {
    expect(z().var().item()).toBeCloseTo(15.1042, 4); // torch.var of the same values
    expect(z().std().dtype).toBe('float32');
    const big = T.complex(
      f64([1e200, 3e-200, Number.POSITIVE_INFINITY]),
      f64([1e200, 4e-200, Number.NaN]),
    );
    const m = big.abs().tolist() as number[];
    expect(m[0] / (Math.SQRT2 * 1e200)).toBeCloseTo(1, 12);
    expect(m[1] / 5e-200).toBeCloseTo(1, 12);
    expect(m[2]).toBe(Number.POSITIVE_INFINITY); // hypot(inf, nan) = inf
  });
});
