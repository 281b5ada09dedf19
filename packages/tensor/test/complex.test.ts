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
