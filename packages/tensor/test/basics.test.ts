import { describe, expect, it } from 'vitest';
import * as T from '../src/index';

describe('basics', () => {
  it('creates, broadcasts and prints', () => {
    const a = T.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float32' },
    );
    const b = T.tensor([10, 20, 30]);
    const c = a.add(b);
    expect(c.dtype).toBe('float32');
    expect(c.tolist()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expect(T.tensor([[0.1, 2]]).toString()).toBe('tensor([[0.1000, 2.0000]])');
    expect(a.t().isContiguous()).toBe(false);
    expect(a.t().contiguous().tolist()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(a.sum(1).tolist()).toEqual([6, 15]);
    expect(a.matmul(a.t()).tolist()).toEqual([
      [14, 32],
      [32, 77],
    ]);
    const [v, i] = T.tensor([
      [1, 5, 2],
      [7, 0, 7],
    ]).max(1);
    expect(v.tolist()).toEqual([5, 7]);
    expect(i.tolist()).toEqual([1, 0]);
    expect(T.einsum('ij,jk->ik', a, a.t()).tolist()).toEqual([
      [14, 32],
      [32, 77],
    ]);
    expect(T.arange(10).index('1:8:3').tolist()).toEqual([1, 4, 7]);
    expect(T.tensor([3, 1, 2]).sort().values.tolist()).toEqual([1, 2, 3]);
    expect(T.tensor([1.5, 2.5, -0.5]).round().tolist()).toEqual([2, 2, -0]);
    expect(
      T.softmax(T.tensor([1, 2, 3], { dtype: 'float32' }), 0)
        .sum()
        .item(),
    ).toBeCloseTo(1, 6);
    // Over a zero-size dim: an empty result, as torch's (issue 21).
    expect(T.softmax(T.zeros([2, 0]), 1).shape).toEqual([2, 0]);
    expect(T.logSoftmax(T.zeros([2, 0]).double(), 1).shape).toEqual([2, 0]);
    expect(
      T.tensor([
        [1, 2],
        [3, 4],
      ]).toString(),
    ).toBe('tensor([[1, 2],\n        [3, 4]])');
    expect(T.ones([2, 2], { dtype: 'float64' }).toString()).toBe(
      'tensor([[1., 1.],\n        [1., 1.]], dtype=float64)',
    );
  });
  it('errors name op and shapes', () => {
    expect(() => T.ones([2, 3]).add(T.ones([4]))).toThrow(/add.*\[2, 3\].*\[4\]/);
    expect(() => T.ones([2, 3]).matmul(T.ones([2, 3]))).toThrow(/matmul.*2x3 and 2x3/);
    expect(() => T.ones([2, 3]).t().view(6)).toThrow(/view/);
  });
});

describe('creation options given as undefined', () => {
  it('keep the defaults (a layer passing { dtype: undefined } on gets float32)', () => {
    expect(T.zeros([2], { dtype: undefined }).dtype).toBe('float32');
    expect(T.ones([2], { dtype: undefined, device: undefined }).dtype).toBe('float32');
    expect(T.empty([2], { dtype: undefined }).dtype).toBe('float32');
    expect(T.zerosLike(T.arange(3), { dtype: undefined }).dtype).toBe('int64');
  });
});

describe('sizes as PyTorch takes them (issue 21)', () => {
  it('as an array or as numbers, with or without options', () => {
    expect(T.zeros(3).shape).toEqual([3]);
    expect(T.ones(2, 3).shape).toEqual([2, 3]);
    expect(T.ones(2, 3, { dtype: 'int64' }).dtype).toBe('int64');
    expect(T.empty([4], { dtype: 'float64' }).dtype).toBe('float64');
    expect(T.randn(2, 5).shape).toEqual([2, 5]);
    expect(T.rand(7, { generator: new T.Generator().manualSeed(1) }).shape).toEqual([7]);
    expect(T.zeros([]).shape).toEqual([]);
  });

  it('anything else is a named error, not a raw JavaScript one', () => {
    expect(() => (T.zeros as (...a: unknown[]) => T.Tensor)('3')).toThrow(
      /zeros\(\): expected a size as an array or as numbers, but got \('3'\)/,
    );
    expect(() => (T.ones as (...a: unknown[]) => T.Tensor)()).toThrow(T.ValueError);
    expect(() => T.full(3 as never, 1)).toThrow(/full: expected a size as an array of integers/);
    expect(() => T.zeros([1e6, 1e6])).toThrow(
      /zeros: a tensor of size \[1000000, 1000000\] has 1000000000000 elements/,
    );
    // Data that is not numbers: torch's "Could not infer dtype"; 'abc' overflowed the stack.
    expect(() => T.tensor('abc' as never)).toThrow(/could not infer dtype of the string 'abc'/);
    expect(() => T.tensor(null as never)).toThrow(T.DTypeError);
    expect(() =>
      T.tensor([
        [1, 2],
        [3, 'x'],
      ] as never),
    ).toThrow(T.DTypeError);
    expect(() => T.tensor([[1, null]] as never, { dtype: 'float32' })).toThrow(T.DTypeError);
    const loop: unknown[] = [];
    loop.push(loop);
    expect(() => T.tensor(loop as never)).toThrow(/nested deeper than 64 levels/);
    expect(() => T.zeros([2], { dtype: 'float16' as never })).toThrow(
      /unknown dtype 'float16'; expected one of float32, float64/,
    );
    expect(() => T.arange(4).roll(0.5 as never)).toThrow(/roll: shifts must be integers/);
    // A view that large allocates nothing, so it stays allowed.
    expect(T.zeros(1).expand([1e6, 1e6]).shape).toEqual([1e6, 1e6]);
  });
});

describe('view arguments must be whole numbers (issue 21)', () => {
  it('a fraction or NaN is a ValueError, never a view reaching outside', () => {
    const base = T.arange(10, { dtype: 'float32' });
    const v = base.narrow(0, 2, 6);
    expect(() => v.split(1.5)).toThrow(
      /split: argument 'split_size' must be an integer, but got 1.5/,
    );
    expect(() => v.split([2.5, 3.5])).toThrow(/non-negative integer entries/);
    expect(() => v.split(-1)).toThrow(/split_size be non-negative/);
    expect(() => v.narrow(0, 2.5, 0.5)).toThrow(
      /narrow: argument 'start' must be an integer, but got 2.5/,
    );
    expect(() => base.reshape([2, 5]).narrow(1, Number.NaN, 1)).toThrow(
      /'start' must be an integer, but got NaN/,
    );
    expect(() => v.unfold(0, 1.5, 1)).toThrow(/unfold: argument 'size' must be an integer/);
    expect(() => v.unfold(0, 2, 0.5)).toThrow(/'step' must be an integer/);
    expect(() => v.unfold(0, -1, 1)).toThrow(/size is -1 but must be >= 0/);
    expect(() => base.reshape([2, 5]).diagonal(1.5)).toThrow(/diagonal: argument 'offset'/);
    expect(() => base.asStrided([2], [1], -5)).toThrow(/invalid storage offset -5/);
    expect(() => base.asStrided([2], [1], 0.5)).toThrow(/'storageOffset' must be an integer/);
    expect(() => base.asStrided([2], [1.5])).toThrow(/'stride\[0\]' must be an integer/);
    expect(() => base.asStrided([2], [-1], 3)).toThrow(/negative strides/);
    // Nothing outside v was written on the way.
    expect(Array.from(base.dataSync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a list index is PyTorch x[[0, 2]]: advanced indexing, not the whole tensor', () => {
    const x = T.arange(12).reshape([3, 4]);
    expect(x.index([0, 2]).tolist()).toEqual([
      [0, 1, 2, 3],
      [8, 9, 10, 11],
    ]);
    expect(x.index(':', [3, -1, 0]).tolist()).toEqual([
      [3, 3, 0],
      [7, 7, 4],
      [11, 11, 8],
    ]);
    expect(x.index([[0], [2]], [1, 3]).tolist()).toEqual([
      [1, 3],
      [9, 11],
    ]);
    expect(x.index([true, false, true]).tolist()).toEqual(x.index([0, 2]).tolist());
    expect(() => x.index([0, 1.5])).toThrow(/rectangular list of integers/);
    expect(() => x.index([[0, 1], [2]])).toThrow(/rectangular/);
    expect(() => x.index([5])).toThrow(T.IndexError);
    expect(() => x.index({ start: 0.5 })).toThrow(/index: argument 'start' must be an integer/);
    expect(() => x.index({ stop: Number.NaN })).toThrow(/'stop' must be an integer/);
  });
});

describe('integer casts of NaN, infinities and values past the range (issue 21)', () => {
  // Read from Debian's python3-torch 1.13: x.to(dtype).tolist() for each.
  const values = [
    Number.NaN,
    Infinity,
    -Infinity,
    3.7,
    -3.7,
    1e20,
    -1e20,
    300.7,
    -1.5,
    2 ** 31 + 0.5,
  ];
  const min64 = -(2 ** 63);
  const min32 = -(2 ** 31);
  it.each([
    ['int64', [min64, min64, min64, 3, -3, min64, min64, 300, -1, 2147483648]],
    ['int32', [min32, min32, min32, 3, -3, min32, min32, 300, -1, min32]],
    ['uint8', [0, 0, 0, 3, 253, 0, 0, 44, 255, 0]],
    ['bool', values.map(() => true)],
  ] as const)('float32 and float64 to %s as PyTorch casts them', (dtype, want) => {
    for (const from of ['float32', 'float64'] as const)
      expect(T.tensor(values, { dtype: from }).to(dtype).tolist()).toEqual(want);
  });

  it('a NaN index can no longer pass a bounds check', () => {
    const idx = T.tensor([Number.NaN]).to('int64');
    expect(() => T.arange(4).indexSelect(0, idx)).toThrow(T.IndexError);
  });

  it('a number that does not fit an integer dtype is an error, as torch.tensor/full/fill_ give', () => {
    const msg = /value cannot be converted to type int64 without overflow/;
    expect(() => T.tensor([Number.NaN], { dtype: 'int64' })).toThrow(msg);
    expect(() => T.tensor([1e19], { dtype: 'int64' })).toThrow(msg);
    expect(() => T.full([2], Number.NaN, { dtype: 'int64' })).toThrow(msg);
    expect(() => T.zeros([3], { dtype: 'int64' }).fill_(Number.NaN)).toThrow(msg);
    expect(() => T.tensor([2 ** 31], { dtype: 'int32' })).toThrow(/type int32 without overflow/);
    expect(() => T.tensor([Infinity], { dtype: 'int32' })).toThrow(/type int32/);
    expect(() => T.tensor([300], { dtype: 'uint8' })).toThrow(/type uint8 without overflow/);
    expect(() => T.tensor([Number.NaN], { dtype: 'uint8' })).toThrow(/type uint8/);
    // What torch accepts: truncation, and whole negatives wrapping into uint8.
    expect(T.tensor([2.7, -2.7], { dtype: 'int64' }).tolist()).toEqual([2, -2]);
    expect(T.tensor([-1], { dtype: 'uint8' }).tolist()).toEqual([255]);
    expect(T.tensor([2.7], { dtype: 'uint8' }).tolist()).toEqual([2]);
    expect(T.tensor([Number.NaN], { dtype: 'bool' }).tolist()).toEqual([true]);
    expect(T.full([2], 2.5, { dtype: 'int32' }).tolist()).toEqual([2, 2]);
  });
});

describe('unique with NaNs', () => {
  it('keeps each NaN a value of its own in the inverse and the counts', () => {
    const x = T.tensor([1, Number.NaN, Number.NaN, 2, 1]);
    const [u, inverse, counts] = T.unique(x, {
      returnInverse: true,
      returnCounts: true,
    }) as T.Tensor[];
    expect(u.tolist()).toEqual([1, 2, Number.NaN, Number.NaN]);
    expect(inverse.tolist()).toEqual([0, 2, 3, 1, 0]);
    expect(counts.tolist()).toEqual([2, 1, 1, 1]);
  });
});

describe('reductions without a dtype in PyTorch', () => {
  it('refuse one passed from JavaScript instead of casting the input only', () => {
    const x = T.tensor([1, 5, 3]);
    const opts = { dtype: 'float64' } as unknown as T.KeepdimOptions;
    for (const [op, f] of [
      ['amax', () => x.amax(0, opts)],
      ['all', () => x.all(0, opts)],
      ['var', () => x.double().var(0, opts)],
      ['logsumexp', () => x.logsumexp(0, opts)],
      ['std', () => x.double().std(0, opts)],
      ['max', () => x.max(0, opts)],
      ['argmin', () => x.argmin(0, opts)],
    ] as const)
      expect(f, op).toThrow(`${op}() got an unexpected keyword argument 'dtype'`);
    expect(x.sum(0, { dtype: 'float64' }).dtype).toBe('float64');
  });

  it("norm's dtype casts the input first, for every order (linalg.vector_norm)", () => {
    const x = T.tensor([
      [1.5, -3],
      [2, 0.5],
    ]);
    for (const p of [
      2,
      'fro',
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      0,
      1,
      3,
    ] as const)
      expect(T.norm(x, p, undefined, { dtype: 'float64' }).dtype, String(p)).toBe('float64');
    expect(T.norm(x, Number.POSITIVE_INFINITY, 1, { dtype: 'float64' }).tolist()).toEqual([3, 2]);
  });
});

describe('fromTypedArray', () => {
  it('copies a typed array in its own dtype, or int64 from a Float64Array, tracked by scopes', () => {
    const f = new Float32Array([1.5, 2, 3, 4]);
    const t = T.fromTypedArray(f, [2, 2]);
    f[0] = 9;
    expect([t.dtype, t.shape, t.tolist()]).toEqual([
      'float32',
      [2, 2],
      [
        [1.5, 2],
        [3, 4],
      ],
    ]);
    expect(T.fromTypedArray(new Float64Array([3, 4]), undefined, { dtype: 'int64' }).dtype).toBe(
      'int64',
    );
    expect(() => T.fromTypedArray(new Float32Array(2), [2], { dtype: 'int64' })).toThrow(
      'int64 is stored in a Float64Array, but got a Float32Array',
    );
    expect(() => T.fromTypedArray(new Int32Array(6), [4])).toThrow('shape [4] is invalid');
    expect(() => T.fromTypedArray(Uint8Array.of(0, 2), [2], { dtype: 'bool' })).toThrow('0 and 1');
    let inner: T.Tensor | null = null;
    T.scope(() => {
      inner = T.fromTypedArray(new Int32Array([1, 2]));
      return null;
    });
    expect(() => (inner as unknown as T.Tensor).tolist()).toThrow(/disposed/);
  });
});

describe('error classes', () => {
  it('keep instanceof by class, for subclasses made outside the package too', () => {
    class MyError extends T.TensileError {}
    const shape = new T.ShapeError('x');
    expect([shape instanceof T.ShapeError, shape instanceof T.TensileError]).toEqual([true, true]);
    expect([shape instanceof T.DTypeError, shape instanceof MyError]).toEqual([false, false]);
    expect([
      new MyError('y') instanceof MyError,
      new MyError('y') instanceof T.TensileError,
    ]).toEqual([true, true]);
    expect(new Error('z') instanceof T.TensileError).toBe(false);
  });
});
