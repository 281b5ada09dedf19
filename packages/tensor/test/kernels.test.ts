import { afterEach, describe, expect, it } from 'vitest';
import { native } from '../src/cpu/native';
import { wasm } from '../src/cpu/wasm/runtime';
import { wasmReduce } from '../src/cpu/wasm/softmax';
import * as T from '../src/index';

/**
 * The CPU backend's kernel tiers. Under TENSILE_CPU_KERNELS=js every suite runs on the
 * JavaScript kernels; otherwise float32 products run on the WebAssembly SIMD kernels, checked
 * here against float64 products (which always run in JavaScript).
 */
const tier = process.env.TENSILE_CPU_KERNELS === 'js' ? 'js' : 'wasm-simd';
// TENSILE_CPU_KERNELS=wasm leaves the native tier out; unset, products take it where built.
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

  it('names the native tier where it runs float32 products', () => {
    const info = T.getKernelInfo();
    if (process.env.TENSILE_CPU_KERNELS) expect(info.native).toBeUndefined();
    else if (process.env.TENSILE_NATIVE_REQUIRED) expect(info.native).toMatch(/^(onednn|openblas)/);
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

describe('elementwise float32 runs (the native kernels from 1024 values, WebAssembly from 4096)', () => {
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

/** Distance of got from want in float32 units in the last place at want (2^-149 at least). */
function ulps(got: number, want: number): number {
  const w = Math.fround(want);
  if (Object.is(got, w) || (Number.isNaN(got) && Number.isNaN(w))) return 0;
  if (!Number.isFinite(got) || !Number.isFinite(w)) return Number.POSITIVE_INFINITY;
  const e = Math.max(Math.floor(Math.log2(Math.abs(Math.fround(want)) || 2 ** -149)), -126);
  return Math.abs(got - want) / 2 ** (e - 23);
}

describe('exp, log, tanh and sigmoid on float32 runs (WebAssembly from 4096 values)', () => {
  const specials = [Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  // Where the reductions and the special cases meet: exp's overflow at 88.72 and its
  // subnormal results below -87.3, log of subnormals and of the largest float.
  const edges = [88.72, 88.73, -87.3, -103.9, -104, -150, 1e-45, 1e-40, 1.17e-38, 3.4e38, -1e-45];
  const n = 20000;
  const sweep = Array.from({ length: n - specials.length - edges.length }, (_, i) => {
    const t = i / n;
    return i % 2 ? (t - 0.5) * 220 : Math.sign(Math.sin(i)) * 10 ** (t * 76 - 38);
  });
  const x = T.tensor([...specials, ...edges, ...sweep]);
  // tanh and sigmoid compose exp with a division: a rounding or two more.
  it.each([
    ['exp', 2, (v: T.Tensor) => v.exp()],
    ['log', 2, (v: T.Tensor) => v.log()],
    ['tanh', 3, (v: T.Tensor) => v.tanh()],
    ['sigmoid', 3, (v: T.Tensor) => v.sigmoid()],
  ] as const)('%s: within %i ulps of float64, specials exact', (_, bound, f) => {
    const got = f(x).dataSync();
    const want = f(x.double()).dataSync();
    const input = x.dataSync();
    for (let i = 0; i < n; i++) {
      const err = ulps(got[i], want[i]);
      if (err > bound)
        throw new Error(`at ${input[i]}: ${got[i]} against ${want[i]} (${err} ulps)`);
    }
    // A zero's sign: tanh(-0) is -0, exp(-inf) is +0.
    for (let i = 0; i < specials.length; i++) {
      const w = Math.fround(want[i]);
      expect(Object.is(got[i], w) || (Number.isNaN(got[i]) && Number.isNaN(w))).toBe(true);
    }
  });
});

describe.each([1, 2])('softmax and log_softmax on %i thread(s)', (threads) => {
  const check = (x: T.Tensor, dim: number) => {
    T.setNumThreads(threads);
    for (const [name, f] of [
      ['softmax', T.softmax],
      ['logSoftmax', T.logSoftmax],
    ] as const) {
      const got = f(x, dim).dataSync();
      const want = f(x.double(), dim).dataSync();
      for (let i = 0; i < want.length; i++) {
        const ok =
          Object.is(got[i], want[i]) ||
          (Number.isNaN(want[i])
            ? Number.isNaN(got[i])
            : Math.abs(got[i] - want[i]) <= 1e-6 * (1 + Math.abs(want[i])));
        if (!ok) throw new Error(`${name} element ${i}: ${got[i]} against ${want[i]}`);
      }
    }
  };
  it('along the last dim, the first and one in the middle', () => {
    const x = T.randn([300, 37]).mul(5);
    check(x, 1);
    check(x, 0);
    check(T.randn([6, 9, 5, 7]).mul(3), 1);
    check(T.randn([6, 9, 5, 7]), 3);
    check(T.randn([50000]).mul(20), 0);
  });

  it('rows with NaN, -inf and +inf as torch has them', () => {
    const x = T.randn([64, 10]);
    const bad = [Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    for (const [r, v] of bad.entries()) x.select(0, r).select(0, 3).fill_(v);
    x.select(0, 5).fill_(Number.NEGATIVE_INFINITY);
    check(x, 1);
    check(x.t().contiguous(), 0);
  });

  it('a transposed or offset input', () => {
    check(T.randn([40, 30]).t(), 1);
    check(T.randn([41, 30]).narrow(0, 1, 40), 1);
  });
});

describe('sum, amax and amin over float32 (WebAssembly from 1024 values)', () => {
  const x = T.randn([24, 6, 9, 8]).mul(100);
  const dimsList: number[][] = [[0], [1], [3], [0, 1], [2, 3], [0, 2, 3], [0, 1, 2, 3], [1, 3]];
  it.each(dimsList.map((d) => [d.join(','), d]))('over dims %s', (_, dims) => {
    for (const op of ['sum', 'amax', 'amin', 'mean'] as const) {
      const got = x[op](dims as number[]).dataSync();
      const want = x
        .double()
        [op](dims as number[])
        .dataSync();
      // Sums: errors of a few float32 roundings of the magnitudes summed (as PyTorch's).
      const scale = x
        .double()
        .abs()
        [op === 'mean' ? 'mean' : 'sum'](dims as number[])
        .dataSync();
      for (let i = 0; i < want.length; i++) {
        const tol = op === 'sum' || op === 'mean' ? 2.5e-7 * scale[i] : 0;
        if (!(Math.abs(got[i] - Math.fround(want[i])) <= tol))
          throw new Error(`${op} over ${dims}: element ${i} ${got[i]} against ${want[i]}`);
      }
    }
  });

  it('NaN wins max and min, in any lane and in the tail', () => {
    for (const at of [0, 5, 1029, 2047]) {
      const v = T.randn([2048]);
      v.select(0, at).fill_(Number.NaN);
      expect(v.amax().item()).toBeNaN();
      expect(v.amin().item()).toBeNaN();
      const m = v.reshape([64, 32]);
      expect(Number.isNaN(m.amax(0).dataSync()[at % 32])).toBe(true);
      expect(Number.isNaN(m.amin(1).dataSync()[Math.floor(at / 32)])).toBe(true);
      expect(m.amax(1).isnan().sum().item()).toBe(1);
    }
  });

  it('a long sum keeps its precision', () => {
    // A float32 accumulator per lane drifts by about 1e-3 here; double block totals do not.
    const v = T.full([3_000_001], 0.1);
    expect(v.sum().item()).toBe(Math.fround(3_000_001 * Math.fround(0.1)));
  });
});

// The native tier's reductions read the array in place; the WebAssembly kernel's order of
// adds is what both must keep, lane for lane, so a sum does not change with the tier.
const nk = native();
const wk = nk && process.env.TENSILE_CPU_KERNELS === undefined ? wasm() : null;
describe.runIf(nk && wk)('native reductions give the WebAssembly kernel the same bits', () => {
  const specials = [Number.NaN, 0, -0, 1e-45, -1e-45, 3.4e38, -3.4e38, Infinity, -Infinity];
  // 'cancel': large values that cancel in pairs between small ones, so that the double
  // totals round differently in any other order; 'zeros': max and min of +0 and -0 keep the
  // first one they meet.
  const values = (n: number, kind: string) =>
    Float32Array.from({ length: n }, (_, i) => {
      const wave = Math.sin(i * 1.7);
      if (kind === 'specials' && i % 97 === 3) return specials[((i / 97) | 0) % specials.length];
      if (kind === 'cancel')
        return i % 2 ? wave : (((i >> 1) * 7) % 2 ? 1 : -1) * 2 ** 40 * (1 + ((i >> 2) % 5) / 8);
      if (kind === 'zeros') return wave > 0 ? 0 : -0;
      return wave * 1e3;
    });
  const layouts = [
    [1, 1, 4099, 1],
    [1, 3, 8, 1],
    [1, 7, 13, 1],
    [5, 3, 1, 1],
    [4, 6, 9, 5],
    [3, 2, 7, 16],
    [1, 1, 33, 4],
    [2, 5, 1, 9],
  ];
  it.each(layouts.map((l) => [l.join('x'), l]))('layout %s', (_, [outer, rows, n, inner]) => {
    for (const data of ['plain', 'specials', 'cancel', 'zeros'])
      for (const kind of [0, 1, 2]) {
        const x = values(outer * rows * n * inner, data);
        const got = new Float32Array(rows * inner);
        nk!.reduce(kind, x, outer, rows, n, inner, got);
        const want = Float32Array.from(wasmReduce(wk!, kind, x, { outer, rows, n, inner }));
        expect(new Uint32Array(got.buffer)).toEqual(new Uint32Array(want.buffer));
      }
  });

  it('checks its sizes', () => {
    const f = (n: number) => new Float32Array(n);
    expect(() => nk!.reduce(0, f(10), 1, 2, 6, 1, f(2))).toThrow(/shorter/);
    expect(() => nk!.reduce(0, f(12), 1, 2, 6, 1, f(1))).toThrow(/shorter/);
    expect(() => nk!.reduce(3, f(12), 1, 2, 6, 1, f(2))).toThrow(/kind below 3/);
    expect(() => nk!.reduce(0, f(12), 1, 2, 6.5, 1, f(2))).toThrow(/sizes/);
  });
});
