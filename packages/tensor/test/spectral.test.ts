/**
 * eigh and svd's vectors, which are defined up to sign (their values are in the PyTorch
 * goldens as eigvalsh and svdvals): each decomposition must rebuild its input and have
 * orthonormal vectors, and agree with torch.linalg's up to each vector's sign.
 */
import { describe, expect, it } from 'vitest';
import * as T from '../src';

const max = (t: T.Tensor) => t.abs().max().item();
const eye = (n: number) => T.eye(n, n, { dtype: 'float64' });

describe('eigh and svd', () => {
  it('eigh: A V = V diag(w), V orthonormal, and torch.linalg.eigh up to signs', () => {
    const a = T.tensor(
      [
        [3, 1, 2],
        [1, 4, 0],
        [2, 0, 5],
      ],
      { dtype: 'float64' },
    );
    const { eigenvalues: w, eigenvectors: v } = T.linalg.eigh(a);
    expect(max(a.matmul(v).sub(v.mul(w)))).toBeLessThan(1e-12);
    expect(max(v.mT.matmul(v).sub(eye(3)))).toBeLessThan(1e-12);
    // torch.linalg.eigh of the same matrix (torch 1.13).
    const torchV = T.tensor(
      [
        [0.8227, 0.1535, 0.5474],
        [-0.3253, 0.9168, 0.2318],
        [-0.4662, -0.3688, 0.8041],
      ],
      { dtype: 'float64' },
    );
    expect(max(v.abs().sub(torchV.abs()))).toBeLessThan(1e-4);
    expect([...w.dataSync()].map((x) => Number(x.toFixed(4)))).toEqual([1.4711, 4.1674, 6.3615]);
    // Only the lower triangle is read, as UPLO='L'.
    const upperJunk = a.add(T.triu(T.ones([3, 3], { dtype: 'float64' }), 1).mul(100));
    expect(max(T.linalg.eigvalsh(upperJunk).sub(w))).toBeLessThan(1e-12);
  });

  it.each([
    [4, 3, true],
    [4, 3, false],
    [2, 5, true],
    [3, 3, false],
  ])('svd of %ix%i (full %s): U diag(S) Vh rebuilds A, U and Vh orthonormal', (m, n, full) => {
    T.manualSeed(m * 10 + n);
    const a = T.randn([2, m, n], { dtype: 'float64' });
    const { U, S, Vh } = T.linalg.svd(a, { fullMatrices: full });
    const k = Math.min(m, n);
    expect(U.shape).toEqual([2, m, full ? m : k]);
    expect(Vh.shape).toEqual([2, full ? n : k, n]);
    const Uk = U.narrow(-1, 0, k);
    const Vk = Vh.narrow(-2, 0, k);
    expect(max(Uk.mul(S.unsqueeze(-2)).matmul(Vk).sub(a))).toBeLessThan(1e-12);
    expect(max(U.mT.matmul(U).sub(eye(U.shape[2])))).toBeLessThan(1e-12);
    expect(max(Vh.matmul(Vh.mT).sub(eye(Vh.shape[1])))).toBeLessThan(1e-12);
    const s = [...S.dataSync()];
    for (let i = 1; i < s.length; i++) if (i % k) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
  });

  it('svd of a rank-deficient matrix completes U, and matches torch up to signs', () => {
    const a = T.tensor(
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
      { dtype: 'float64' },
    );
    const { U, S, Vh } = T.linalg.svd(a);
    // torch.linalg.svd(torch.arange(6.).reshape(2, 3)) (torch 1.13).
    expect([...S.dataSync()].map((x) => Number(x.toFixed(4)))).toEqual([7.3485, 1]);
    const torchVh = [
      [-0.3925, -0.5608, -0.729],
      [0.8242, 0.1374, -0.5494],
      [0.4082, -0.8165, 0.4082],
    ];
    expect(max(Vh.abs().sub(T.tensor(torchVh, { dtype: 'float64' }).abs()))).toBeLessThan(1e-4);
    expect(
      max(
        U.abs().sub(
          T.tensor(
            [
              [0.2747, 0.9615],
              [0.9615, 0.2747],
            ],
            { dtype: 'float64' },
          ),
        ),
      ),
    ).toBeLessThan(1e-4);
    expect(() => T.linalg.svd(T.ones([3]))).toThrow(/linalg\.svd: A must be batches of matrices/);
    expect(() => T.linalg.eigh(T.ones([2, 3]))).toThrow(
      /square matrices, but the input has shape \[2, 3\]/,
    );
  });

  it('lstsq: the least-squares fit of a tall system, the minimum-norm one of a wide one', () => {
    // torch.linalg.lstsq([[1, 1], [1, 2], [1, 3]], [[1], [2], [2]]).solution = [[0.6667], [0.5]]
    const f = { dtype: 'float32' } as const;
    const a = T.tensor(
      [
        [1, 1],
        [1, 2],
        [1, 3],
      ],
      f,
    );
    const { solution, rank } = T.linalg.lstsq(a, T.tensor([[1], [2], [2]], f));
    expect(max(solution.sub(T.tensor([[2 / 3], [0.5]])))).toBeLessThan(1e-6);
    expect(rank.item()).toBe(2);
    // x + y = 2 has many solutions; the smallest is [1, 1].
    const wide = T.linalg.lstsq(
      T.tensor([[1, 1]], { dtype: 'float64' }),
      T.tensor([2], { dtype: 'float64' }),
    );
    expect(max(wide.solution.sub(T.tensor([1, 1], { dtype: 'float64' })))).toBeLessThan(1e-12);
    // A rank-deficient column is ignored, not amplified.
    const deficient = T.tensor(
      [
        [1, 0],
        [1, 0],
      ],
      f,
    );
    const fit = T.linalg.lstsq(deficient, T.tensor([2, 4], f));
    expect(fit.rank.item()).toBe(1);
    expect(max(fit.solution.sub(T.tensor([3, 0])))).toBeLessThan(1e-6);
    expect(() => T.linalg.lstsq(T.tensor([[1, 2]]), T.tensor([1]))).toThrow(
      /linalg\.lstsq: Expected a floating point tensor as input\. Got int64/,
    );
  });
});
