import { afterEach, describe, expect, it } from 'vitest';
import * as T from '../src/index';

/**
 * The CPU backend's kernel tiers. Under TENSILE_CPU_KERNELS=js every suite runs on the
 * JavaScript kernels; otherwise float32 products run on the WebAssembly SIMD kernels, checked
 * here against float64 products (which always run in JavaScript).
 */
const tier = process.env.TENSILE_CPU_KERNELS === 'js' ? 'js' : 'wasm-simd';
const threads = T.getNumThreads();
afterEach(() => T.setNumThreads(threads));

function expectProduct(a: T.Tensor, b: T.Tensor): void {
  const got = a.matmul(b);
  const want = a.double().matmul(b.double());
  expect(got.dtype).toBe('float32');
  expect(got.shape).toEqual(want.shape);
  const g = got.dataSync();
  const w = want.dataSync();
  const k = a.shape[a.ndim - 1];
  // float32 accumulation over depth k: a few ulps per term at most.
  let worst = 0;
  for (let i = 0; i < w.length; i++) {
    worst = Math.max(
      worst,
      Math.abs(g[i] - w[i]) / (2e-6 * Math.sqrt(k + 1) * (1 + Math.abs(w[i]))),
    );
  }
  expect(worst).toBeLessThanOrEqual(1);
}

describe('kernel tier', () => {
  it('reports the tier and thread count', () => {
    const info = T.getKernelInfo();
    expect(info.tier).toBe(tier);
    expect(info.threads).toBeGreaterThanOrEqual(1);
  });

  it('setNumThreads takes positive integers only', () => {
    T.setNumThreads(1);
    expect(T.getNumThreads()).toBe(1);
    expect(() => T.setNumThreads(0)).toThrow(/positive integer, but got 0/);
    expect(() => T.setNumThreads(1.5)).toThrow(/positive integer/);
  });
});

describe.each([1, 2])('float32 matmul on %i thread(s)', (n) => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [64, 256, 784],
    [6, 600, 25],
    [6, 25, 3000],
    [25, 700, 6],
    [130, 70, 300],
    [257, 129, 65],
    [4, 9, 0],
  ];
  it.each(shapes)('[%i x %i] with depth %i, every transpose', (m, nn, k) => {
    T.setNumThreads(n);
    T.manualSeed(m * 1000 + k);
    const a = T.randn([m, k]);
    const b = T.randn([k, nn]);
    expectProduct(a, b);
    expectProduct(T.randn([k, m]).t(), b);
    expectProduct(a, T.randn([nn, k]).t());
    expectProduct(T.randn([k, m]).t(), T.randn([nn, k]).t());
  });

  it('batched, broadcast and sliced operands', () => {
    T.setNumThreads(n);
    T.manualSeed(1);
    expectProduct(T.randn([5, 3, 40, 30]), T.randn([3, 30, 20]));
    expectProduct(T.randn([2, 64, 48]), T.randn([48, 70]).expand([2, 48, 70]));
    // A column slice of a wide matrix spans far more storage than it holds.
    expectProduct(T.randn([300, 2000]).index(':', '5:9'), T.randn([4, 33]));
    expectProduct(T.randn([8, 9, 10]).permute(1, 2, 0), T.randn([9, 8, 3]));
  });

  it('matches on one and two threads bit for bit', () => {
    T.manualSeed(2);
    const a = T.randn([96, 512]);
    const b = T.randn([512, 200]);
    T.setNumThreads(1);
    const one = a.matmul(b).dataSync();
    T.setNumThreads(n);
    expect(a.matmul(b).dataSync()).toEqual(one);
  });
});

describe('recycled CPU buffers', () => {
  it('a scope gives its large arrays back, and they come back zeroed', () => {
    const shape = [300, 300];
    let inside: T.Tensor | null = null;
    T.scope(() => {
      inside = T.full(shape, 7);
      inside.mul_(3);
    });
    // The same size again reuses the disposed array: it must not show the old values.
    expect(T.zeros(shape).abs().sum().item()).toBe(0);
    expect(T.randn(shape).mul(0).add(T.zeros(shape)).abs().max().item()).toBe(0);
    expect(() => (inside as unknown as T.Tensor).sum()).toThrow(/disposed/);
  });
});

describe('float32 kernels on bit patterns (relu, where, reluBackward)', () => {
  // A NaN with its sign bit set cannot be written from JavaScript through a Float32Array
  // store, so it is made from its bits.
  const negNaN = new Float32Array(new Uint32Array([0xffc00000]).buffer)[0];
  const specials = [1.5, -2, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const values = T.tensor([...specials, Number.NaN, 3e38, -1e-45]);
  const bits = (t: T.Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
  const f32 = (xs: number[]) => bits(T.tensor(xs));

  it('relu: keeps NaNs, zeroes -0 and -inf, as float64 does', () => {
    expect(bits(values.relu())).toEqual(f32(Array.from(values.double().relu().dataSync())));
    const raw = new Float32Array([negNaN, -3]);
    const y = T.tensor(raw).relu().dataSync();
    expect(Number.isNaN(y[0])).toBe(true);
    expect(y[1]).toBe(0);
  });

  it('reluBackward passes the gradient where the output is > 0 or NaN', () => {
    const g = T.full([values.numel()], 7);
    const want = Array.from(values.dataSync()).map((y) => (y <= 0 ? 0 : 7));
    expect(Array.from(T.reluBackward(g, values).dataSync())).toEqual(want);
    expect(
      Array.from(
        T.reluBackward(T.tensor([5, 5]), T.tensor(new Float32Array([negNaN, -0]))).dataSync(),
      ),
    ).toEqual([5, 0]);
    // Infinite and NaN gradients are cut too, not multiplied by zero.
    const cut = T.reluBackward(T.tensor([Number.NaN, Number.POSITIVE_INFINITY]), T.tensor([-1, 0]));
    expect(Array.from(cut.dataSync())).toEqual([0, 0]);
  });

  it('where selects bit patterns exactly, scalars included', () => {
    const cond = values.gt(0);
    expect(bits(T.where(cond, values, -0))).toEqual(
      f32(Array.from(values.dataSync()).map((v) => (v > 0 ? v : -0))),
    );
  });
});

describe('elementwise float32 runs (the WebAssembly kernels from 4096 values)', () => {
  // Long enough for the kernel, with the values where rules differ: NaN, zeros of both signs,
  // infinities, subnormals; every pair of them meets somewhere in the run.
  const specials = [
    Number.NaN,
    0,
    -0,
    1,
    -1,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1e-45,
    3.4e38,
  ];
  const n = 5000;
  // Every ordered pair of specials first, then ordinary values.
  const k = specials.length;
  const pairs = (i: number, first: boolean) =>
    i < k * k ? specials[first ? i % k : Math.floor(i / k)] : Math.sin(i * (first ? 1 : 3)) * 7;
  const a = T.tensor(Array.from({ length: n }, (_, i) => pairs(i, true)));
  const b = T.tensor(Array.from({ length: n }, (_, i) => pairs(i, false)));
  const same = (got: T.Tensor, want: T.Tensor) => {
    const g = got.dataSync();
    const w = Float32Array.from(want.dataSync());
    for (let i = 0; i < n; i++) {
      if (!Object.is(g[i], w[i]))
        throw new Error(
          `element ${i}: ${g[i]} against ${w[i]} (inputs ${a.dataSync()[i]}, ${b.dataSync()[i]})`,
        );
    }
  };
  const d = (t: T.Tensor) => t.double();
  it.each([
    ['add', (x: T.Tensor, y: T.Tensor) => x.add(y)],
    ['sub', (x: T.Tensor, y: T.Tensor) => x.sub(y)],
    ['mul', (x: T.Tensor, y: T.Tensor) => x.mul(y)],
    ['div', (x: T.Tensor, y: T.Tensor) => x.div(y)],
    ['maximum', (x: T.Tensor, y: T.Tensor) => x.maximum(y)],
    ['minimum', (x: T.Tensor, y: T.Tensor) => x.minimum(y)],
    ['reluBackward', (x: T.Tensor, y: T.Tensor) => T.reluBackward(x, y)],
    // A scalar float32 holds exactly, so that both sides add the same value.
    ['add a scalar', (x: T.Tensor) => x.add(0.375)],
    ['relu', (x: T.Tensor) => x.relu()],
    ['sqrt', (x: T.Tensor) => x.sqrt()],
    ['abs', (x: T.Tensor) => x.abs()],
  ] as const)('%s: float32 as float64 rounded, to the bit', (_, f) => {
    // float64 then rounding gives the single operation exactly for these ops.
    same(f(a, b), f(d(a), d(b)));
  });

  it('in place, where the output is an input', () => {
    const x = a.clone();
    x.mul_(b);
    same(x, d(a).mul(d(b)));
  });
});
