import { describe, expect, it } from 'vitest';
import { load, loadError } from '../src/index';

/**
 * The addon's elementwise ops against the same ops on float64 rounded to float32 (exact for
 * these), over values where the rules differ. Tensile's kernels suite checks them through
 * the tensor ops as well.
 */
const kernels = load();
if (!kernels && process.env.TENSILE_NATIVE_REQUIRED)
  throw new Error(`TENSILE_NATIVE_REQUIRED is set, but ${loadError()}`);

const specials = [Number.NaN, 0, -0, 1, -1, Infinity, -Infinity, 1e-45, 3.4e38, 2.5];
const k = specials.length;
const a = Float32Array.from({ length: k * k + 37 }, (_, i) =>
  i < k * k ? specials[i % k] : Math.sin(i) * 5,
);
const b = Float32Array.from({ length: a.length }, (_, i) =>
  i < k * k ? specials[Math.floor(i / k)] : Math.cos(i) * 5,
);

const RULES: [string, (x: number, y: number) => number][] = [
  ['add', (x, y) => x + y],
  ['sub', (x, y) => x - y],
  ['mul', (x, y) => x * y],
  ['div', (x, y) => x / y],
  ['maximum', (x, y) => (x > y || Number.isNaN(x) ? x : y)],
  ['minimum', (x, y) => (x < y || Number.isNaN(x) ? x : y)],
  ['relu', (x) => (x > 0 || Number.isNaN(x) ? x : 0)],
  ['reluBackward', (x, y) => (y <= 0 ? 0 : x)],
  ['sqrt', (x) => Math.sqrt(x)],
  ['abs', (x) => Math.abs(x)],
];
const UNARY = new Set([6, 8, 9]);

describe.runIf(kernels)('cpu-native eltwise', () => {
  const nk = kernels as NonNullable<typeof kernels>;
  it.each(RULES.map((r, op) => [r[0], op, r[1]] as const))('%s, to the bit', (_, op, rule) => {
    const out = new Float32Array(a.length);
    nk.eltwise(op, out, a, UNARY.has(op) ? null : b, 1);
    for (let i = 0; i < a.length; i++)
      expect(Object.is(out[i], Math.fround(rule(a[i], b[i])))).toBe(true);
    if (UNARY.has(op)) return;
    nk.eltwise(op, out, a, Float32Array.of(-0), 0);
    for (let i = 0; i < a.length; i++)
      expect(Object.is(out[i], Math.fround(rule(a[i], -0)))).toBe(true);
  });

  it('repeats a row of b over the output (bStep 2), as a bias on every row', () => {
    const row = Float32Array.of(1, -2, 0.5);
    const x = Float32Array.from({ length: 12 }, (_, i) => i * 0.25);
    const out = new Float32Array(12);
    nk.eltwise(2, out, x, row, 2);
    expect(Array.from(out)).toEqual(Array.from(x, (v, i) => Math.fround(v * row[i % 3])));
  });

  it('takes empty runs, an empty b included', () => {
    const e = new Float32Array(0);
    expect(() => nk.eltwise(0, e, e, e, 1)).not.toThrow();
    expect(() => nk.eltwise(6, e, e, null, 1)).not.toThrow();
  });

  it('refuses short operands, a missing or extra b, and unknown ops', () => {
    const f = (n: number) => new Float32Array(n);
    expect(() => nk.eltwise(0, f(4), f(3), f(4), 1)).toThrow(/shorter than the output/);
    expect(() => nk.eltwise(0, f(4), f(4), f(3), 1)).toThrow(/shorter/);
    expect(() => nk.eltwise(0, f(4), f(4), null, 1)).toThrow(/b is missing/);
    expect(() => nk.eltwise(6, f(4), f(4), f(4), 1)).toThrow(/extra/);
    expect(() => nk.eltwise(0, f(4), f(4), f(0), 0)).toThrow(/shorter/);
    expect(() => nk.eltwise(10, f(4), f(4), null, 1)).toThrow(/an op below 10/);
    expect(() => nk.eltwise(0, f(4), f(4), f(4), 3 as 1)).toThrow(/bStep 0, 1 or 2/);
    expect(() => nk.eltwise(0, f(6), f(6), f(4), 2)).toThrow(/do not tile/);
    expect(() => nk.eltwise(0, f(6), f(6), f(0), 2)).toThrow(/do not tile/);
    expect(() => nk.eltwise(6, f(6), f(6), null, 2)).toThrow(/do not tile/);
    expect(() => nk.eltwise(0, f(4), new Float64Array(4) as never, f(4), 1)).toThrow(
      /Float32Array/,
    );
  });
});

describe.runIf(kernels)('cpu-native sgd and adam', () => {
  const nk = kernels as NonNullable<typeof kernels>;
  it('step with momentum as torch.optim.SGD, each operation in float32', () => {
    const [p, g, b] = [Float32Array.of(1, 2), Float32Array.of(0.5, -1), Float32Array.of(0.1, 0.2)];
    nk.sgd(p, g, b, -0.1, 0.9, 0, 1, 1, 0, 0);
    const f = Math.fround;
    const v = [0, 1].map((i) => f(f(f(0.1 * (i + 1)) * f(0.9)) + [0.5, -1][i]));
    expect(Array.from(b)).toEqual(v);
    expect(Array.from(p)).toEqual(v.map((x, i) => f(i + 1 + f(f(-0.1) * x))));
  });

  it('refuses arrays of different lengths and wrong argument lists', () => {
    const f = (n: number) => new Float32Array(n);
    expect(() => nk.sgd(f(3), f(2), null, -0.1, 0, 0, 1, 1, 0, 0)).toThrow(/differ in length/);
    expect(() => (nk.sgd as (...x: unknown[]) => void)(f(2), f(2), null)).toThrow(
      /3 arrays and 7 numbers/,
    );
    const adam = (m: Float32Array) =>
      nk.adam(f(2), f(2), m, f(2), null, -1, 0.9, 0.99, 0.1, 0.01, 0, 1, 1e-8, 1, 0, 0);
    expect(() => adam(f(1))).toThrow(/differ in length/);
    expect(() => adam(null as never)).toThrow(/Float32Array/);
  });
});

describe.runIf(kernels)('cpu-native batchNorm', () => {
  const nk = kernels as NonNullable<typeof kernels>;
  const f = (...v: number[]) => Float32Array.from(v);
  it('normalizes each channel with the biased variance, and its gradient sums to zero', () => {
    // [n 2, c 1, s 2]: values 1, 3, 5, 7 (mean 4, variance 5).
    const [out, mean, invstd] = [new Float32Array(4), new Float32Array(1), new Float32Array(1)];
    nk.batchNorm(2, 1, 2, 0, f(1, 3, 5, 7), f(2), f(1), out, mean, invstd);
    expect(mean[0]).toBe(4);
    expect(invstd[0]).toBe(Math.fround(1 / Math.sqrt(5)));
    expect(Array.from(out)).toEqual(
      [-3, -1, 1, 3].map((v) => Math.fround((v / Math.sqrt(5)) * 2 + 1)),
    );
    const [dx, dw, db] = [new Float32Array(4), new Float32Array(1), new Float32Array(1)];
    nk.batchNormBackward(2, 1, 2, f(1, 0, 0, -2), f(1, 3, 5, 7), mean, invstd, f(2), dx, dw, db);
    expect(db[0]).toBe(-1);
    expect(Math.abs(dx.reduce((a, b) => a + b, 0))).toBeLessThan(1e-6);
  });

  it('refuses arrays whose lengths do not match [n, c, s]', () => {
    const z = (n: number) => new Float32Array(n);
    expect(() => nk.batchNorm(2, 1, 2, 1e-5, z(3), z(1), z(1), z(4), z(1), z(1))).toThrow(
      /array 0's length/,
    );
    expect(() => nk.batchNorm(2, 1, 2, 1e-5, z(4), z(1), z(1), z(4), z(2), z(1))).toThrow(
      /array 4's length/,
    );
    expect(() => nk.batchNorm(2.5, 1, 2, 1e-5, z(5), z(1), z(1), z(5), z(1), z(1))).toThrow(
      /whole numbers/,
    );
    const g = z(4);
    expect(() => nk.batchNormBackward(2, 1, 2, g, g, z(1), z(1), z(1), z(4), z(1), z(2))).toThrow(
      /array 7's length/,
    );
  });
});

describe.runIf(kernels)('cpu-native kernels on the thread pool', () => {
  const nk = kernels as NonNullable<typeof kernels>;
  const rand = (n: number, seed: number) =>
    Float32Array.from({ length: n }, (_, i) => (Math.sin(i * 12.9898 + seed) * 43758.5453) % 3);
  /** Runs `fn` on one thread and on two and expects the same arrays, bit for bit. */
  function sameOnThreads(fn: () => Float32Array[]) {
    nk.setNumThreads(1);
    const one = fn();
    nk.setNumThreads(2);
    const two = fn();
    const bytes = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
    expect(two.map((t, i) => bytes(t).equals(bytes(one[i])))).toEqual(one.map(() => true));
  }

  it('splits long runs without changing a bit: elementwise, rows, SGD, Adam, batch norm', () => {
    const n = 300_007; // long enough for both threads, and not a multiple of the split
    const [a, b, row] = [rand(n, 1), rand(n, 2), rand(211, 3)];
    sameOnThreads(() => {
      const out = new Float32Array(n);
      nk.eltwise(3, out, a, b, 1);
      const rows = new Float32Array(211 * 2000);
      nk.eltwise(0, rows, rand(rows.length, 4), row, 2);
      const [p, m] = [rand(n, 5), rand(n, 6)];
      nk.sgd(p, b, m, -0.1, 0.9, 0, 1, 1, 0, 0);
      const [q, m1, v1] = [rand(n, 7), rand(n, 8), rand(n, 9).map(Math.abs)];
      nk.adam(q, b, m1, v1, null, -0.01, 0.9, 0.999, 0.1, 0.001, 0, 1, 1e-8, 0.99, 0, 0);
      return [out, rows, p, m, q, m1, v1];
    });
    const [nb, c, s] = [8, 16, 1000];
    const x = rand(nb * c * s, 10);
    const w = rand(c, 11);
    sameOnThreads(() => {
      const [out, mean, invstd] = [
        new Float32Array(x.length),
        new Float32Array(c),
        new Float32Array(c),
      ];
      nk.batchNorm(nb, c, s, 1e-5, x, w, rand(c, 12), out, mean, invstd);
      const [dx, dw, db] = [new Float32Array(x.length), new Float32Array(c), new Float32Array(c)];
      nk.batchNormBackward(nb, c, s, rand(x.length, 13), x, mean, invstd, w, dx, dw, db);
      return [out, mean, invstd, dx, dw, db];
    });
  });
});
