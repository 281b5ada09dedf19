import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { load, loadError } from '../src/index';

/** The addon's convolution against a direct float64 sum, on each library (see sgemm.test.ts). */
const kernels = load();
if (!kernels && process.env.TENSILE_NATIVE_REQUIRED)
  throw new Error(`TENSILE_NATIVE_REQUIRED is set, but ${loadError()}`);

interface Geom {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  k: [number, number];
  s: [number, number];
  p: [number, number];
  d: [number, number];
}

const outSize = (g: Geom, i: 0 | 1) =>
  Math.floor(((i ? g.w : g.h) + 2 * g.p[i] - g.d[i] * (g.k[i] - 1) - 1) / g.s[i]) + 1;
const geometry = (g: Geom) => [
  g.n,
  g.c,
  g.h,
  g.w,
  g.o,
  ...g.k,
  ...g.s,
  ...g.p,
  ...g.d,
  outSize(g, 0),
  outSize(g, 1),
];

let seed = 7;
const random = (n: number) =>
  Float32Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 30 - 1;
  });

/** Calls visit(n, o, oy, ox, c, ki, kj, iy, ix) for every product term of the convolution. */
function eachTerm(g: Geom, visit: (y: number, x: number, wt: number) => void): void {
  const [oh, ow] = [outSize(g, 0), outSize(g, 1)];
  for (let n = 0; n < g.n; n++)
    for (let o = 0; o < g.o; o++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++)
          for (let c = 0; c < g.c; c++)
            for (let ki = 0; ki < g.k[0]; ki++)
              for (let kj = 0; kj < g.k[1]; kj++) {
                const iy = oy * g.s[0] - g.p[0] + ki * g.d[0];
                const ix = ox * g.s[1] - g.p[1] + kj * g.d[1];
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                visit(
                  ((n * g.o + o) * oh + oy) * ow + ox,
                  ((n * g.c + c) * g.h + iy) * g.w + ix,
                  ((o * g.c + c) * g.k[0] + ki) * g.k[1] + kj,
                );
              }
}

const close = (got: Float32Array, want: Float64Array) => {
  expect(got.length).toBe(want.length);
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5 * scale);
};

const cases: Geom[] = [
  { n: 2, c: 3, h: 9, w: 7, o: 4, k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
  { n: 3, c: 2, h: 8, w: 8, o: 5, k: [3, 2], s: [2, 3], p: [2, 0], d: [1, 2] },
  { n: 5, c: 4, h: 4, w: 4, o: 6, k: [1, 1], s: [1, 1], p: [0, 0], d: [1, 1] },
  { n: 4, c: 4, h: 5, w: 5, o: 3, k: [1, 1], s: [2, 2], p: [0, 0], d: [1, 1] },
  { n: 1, c: 2, h: 6, w: 5, o: 2, k: [1, 1], s: [1, 1], p: [0, 0], d: [1, 1] },
  { n: 2, c: 1, h: 3, w: 3, o: 2, k: [5, 5], s: [1, 1], p: [3, 3], d: [1, 1] },
  { n: 70, c: 2, h: 1, w: 1, o: 3, k: [1, 1], s: [1, 1], p: [1, 1], d: [1, 1] },
  { n: 1, c: 3, h: 80, w: 70, o: 2, k: [3, 3], s: [1, 1], p: [1, 1], d: [2, 2] },
  // A ResNet's last stages on small images: planes of 1 and 4 through the offset table.
  { n: 6, c: 5, h: 1, w: 1, o: 4, k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
  { n: 5, c: 3, h: 2, w: 2, o: 4, k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
  // Runs of 3, 3 and 1 images (1,600-value planes).
  { n: 7, c: 2, h: 40, w: 40, o: 3, k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
  // The direct kernels (windows of up to 32 values, column stride 1): a partial vector at each
  // row's end, a partial last tile of rows and of channels, row strides and dilation, LeNet's
  // and W4's first layers.
  { n: 3, c: 3, h: 11, w: 19, o: 5, k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
  { n: 2, c: 2, h: 13, w: 17, o: 9, k: [3, 3], s: [2, 1], p: [1, 0], d: [1, 2] },
  { n: 2, c: 1, h: 28, w: 28, o: 6, k: [5, 5], s: [1, 1], p: [2, 2], d: [1, 1] },
  { n: 3, c: 3, h: 32, w: 32, o: 17, k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
  // Deep windows with few output channels go direct too: LeNet's second layer (150 values,
  // 16 channels, 10-column planes: one partial vector a row), and 288 values, 9 channels.
  { n: 3, c: 6, h: 14, w: 14, o: 16, k: [5, 5], s: [1, 1], p: [0, 0], d: [1, 1] },
  { n: 2, c: 32, h: 9, w: 21, o: 9, k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] },
];

describe.runIf(kernels)(`cpu-native conv (${kernels?.info().blas})`, () => {
  const k = kernels as NonNullable<typeof kernels>;
  for (const g of cases) {
    const name = `${g.n}x${g.c}x${g.h}x${g.w} -> ${g.o}, kernel ${g.k}, stride ${g.s}, padding ${g.p}, dilation ${g.d}`;
    it(name, () => {
      const [oh, ow] = [outSize(g, 0), outSize(g, 1)];
      const x = random(g.n * g.c * g.h * g.w);
      const wt = random(g.o * g.c * g.k[0] * g.k[1]);
      const bias = random(g.o);
      const dy = random(g.n * g.o * oh * ow);
      const y = new Float64Array(dy.length);
      const dx = new Float64Array(x.length);
      const dw = new Float64Array(wt.length);
      for (let i = 0; i < y.length; i++) y[i] = bias[Math.floor(i / (oh * ow)) % g.o];
      eachTerm(g, (yi, xi, wi) => {
        y[yi] += x[xi] * wt[wi];
        dx[xi] += dy[yi] * wt[wi];
        dw[wi] += dy[yi] * x[xi];
      });
      const out = new Float32Array(y.length).fill(Number.NaN);
      k.conv(0, geometry(g), x, wt, bias, out);
      close(out, y);
      const gx = new Float32Array(x.length).fill(Number.NaN);
      k.conv(1, geometry(g), dy, wt, null, gx);
      close(gx, dx);
      const gw = new Float32Array(wt.length).fill(Number.NaN);
      k.conv(2, geometry(g), x, dy, null, gw);
      close(gw, dw);
    });
  }

  it('runs the direct kernels on the instruction set asked for', () => {
    const want = process.env.TENSILE_NATIVE_ISA;
    if (want) expect(k.info().isa).toBe(want === 'none' ? null : want);
    else if (process.arch !== 'x64') expect(k.info().isa).toBeNull();
  });

  it('an infinity past the output plane stays out of the weight gradient', () => {
    // A plane given narrower than the image's (13 of 19 columns): the direct kernels' last
    // vector reaches columns no window uses (15-17 here), where 0 * inf would be NaN.
    const g = [1, 1, 2, 21, 1, 1, 3, 1, 1, 0, 0, 1, 1, 2, 13];
    const x = new Float32Array(42).fill(1);
    x[16] = Number.POSITIVE_INFINITY;
    x[21 + 16] = Number.NaN;
    const dw = new Float32Array(3);
    k.conv(2, g, x, new Float32Array(26).fill(1), null, dw);
    expect(Array.from(dw)).toEqual([26, 26, 26]);
    const y = new Float32Array(26);
    k.conv(0, g, x, Float32Array.of(1, 1, 1), null, y);
    expect(Array.from(y)).toEqual(new Array(26).fill(3));
  });

  it('max pooling checks its arrays and the indices it adds back at', () => {
    // 1 image, 1 channel, 4x4, 2x2 windows with stride 2: a 2x2 output.
    const g = [1, 1, 4, 4, 1, 2, 2, 2, 2, 0, 0, 1, 1, 2, 2];
    const x = Float32Array.from({ length: 16 }, (_, i) => (i * 7) % 16);
    const idx = new Float64Array(4);
    const values = new Float32Array(4);
    k.maxPool(g, x, idx, values);
    expect(Array.from(idx)).toEqual([4, 2, 9, 11]);
    expect(Array.from(values)).toEqual([12, 14, 15, 13]);
    const dx = new Float32Array(16).fill(Number.NaN);
    k.maxPoolBackward(g, Float32Array.of(1, 2, 3, 4), idx, dx);
    expect(Array.from(dx)).toEqual([0, 0, 2, 0, 1, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0]);
    const f = (n: number) => new Float32Array(n);
    expect(() => k.maxPool(g, f(15), idx, null)).toThrow(/does not match the geometry/);
    expect(() => k.maxPool(g, x, new Float64Array(3), null)).toThrow(/does not match/);
    expect(() => k.maxPool(g, x, f(4) as never, null)).toThrow(/Float64Array/);
    for (const bad of [16, -1, 0.5, Number.NaN]) {
      const out = f(16).fill(7);
      expect(() => k.maxPoolBackward(g, f(4), Float64Array.of(0, 1, bad, 2), out)).toThrow(
        /outside its input plane/,
      );
      expect(out.every((v) => v === 7)).toBe(true);
    }
  });

  it('empty sums give the bias or zeros', () => {
    const g: Geom = { n: 2, c: 0, h: 3, w: 3, o: 2, k: [1, 1], s: [1, 1], p: [0, 0], d: [1, 1] };
    const out = new Float32Array(2 * 2 * 9).fill(Number.NaN);
    k.conv(0, geometry(g), new Float32Array(0), new Float32Array(0), Float32Array.of(1, 2), out);
    expect(Array.from(out)).toEqual([
      ...Array(9).fill(1),
      ...Array(9).fill(2),
      ...Array(9).fill(1),
      ...Array(9).fill(2),
    ]);
  });

  it('an output plane unlike the image plane never multiplies the image in place', () => {
    // A 1x1 kernel once took the image as its columns whatever the output plane: a 64x64
    // plane over a 2x2 image wrote 4,096 values into a 4-value gradient.
    const g = [1, 1, 2, 2, 1, 1, 1, 1, 1, 0, 0, 1, 1, 64, 64];
    const dx = new Float32Array(4);
    k.conv(1, g, new Float32Array(4096).fill(1), Float32Array.of(2), null, dx);
    expect(Array.from(dx)).toEqual([2, 2, 2, 2]);
    const y = new Float32Array(4096);
    k.conv(0, g, Float32Array.of(1, 2, 3, 4), Float32Array.of(2), null, y);
    expect([y[0], y[1], y[2], y[64], y[65], y[66]]).toEqual([2, 4, 0, 6, 8, 0]);
    expect(y.reduce((a, b) => a + b, 0)).toBe(20);
  });

  it('refuses a column matrix past 2^36 values and a geometry whose getter throws', () => {
    const g = [1, 1, 1, 1, 1, 2 ** 31 - 1, 1, 1, 1, 0, 0, 1, 1, 2 ** 16, 2 ** 15];
    const f = (n: number) => new Float32Array(n);
    expect(() => k.conv(0, g, f(1), f(1), null, f(1))).toThrow(/column matrix would pass/);
    const trap = [...g];
    Object.defineProperty(trap, 3, {
      get() {
        throw new Error('from the getter');
      },
    });
    expect(() => k.conv(0, trap, f(1), f(1), null, f(1))).toThrow('from the getter');
  });

  it('refuses arrays that do not match the geometry, and bad geometry', () => {
    const g: Geom = { n: 1, c: 1, h: 3, w: 3, o: 1, k: [3, 3], s: [1, 1], p: [0, 0], d: [1, 1] };
    const f = (n: number) => new Float32Array(n);
    expect(() => k.conv(0, geometry(g), f(8), f(9), null, f(1))).toThrow(
      /does not match the geometry/,
    );
    expect(() => k.conv(0, geometry(g), f(9), f(9), f(2), f(1))).toThrow(/does not match/);
    expect(() => k.conv(2, geometry(g), f(9), f(1), f(1), f(9))).toThrow(/does not match/);
    const zeroStride = geometry(g);
    zeroStride[7] = 0;
    expect(() => k.conv(0, zeroStride, f(9), f(9), null, f(1))).toThrow(/at least 1/);
    expect(() => k.conv(0, geometry(g).slice(1), f(9), f(9), null, f(1))).toThrow(
      /15 whole numbers/,
    );
    expect(() => k.conv(0, [...geometry(g).slice(0, 14), 2 ** 40], f(9), f(9), null, f(1))).toThrow(
      /15 whole numbers/,
    );
    expect(() => k.conv(3 as 0, geometry(g), f(9), f(9), null, f(1))).toThrow(/kind 0, 1 or 2/);
    expect(() => k.conv(0, geometry(g), new Float64Array(9) as never, f(9), null, f(1))).toThrow(
      /Float32Array/,
    );
  });

  it("gives each of Node's worker threads its own whole convolutions", async () => {
    // The addon's scratch and pool are shared by the threads of a process.
    const addon = new URL('../build/tensile_native.node', import.meta.url).pathname;
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const k = require(workerData.addon);
      const g = [16, 32, 8, 8, 32, 3, 3, 1, 1, 1, 1, 1, 1, 8, 8];
      const x = Float32Array.from({ length: 16 * 32 * 64 }, (_, i) => Math.sin(i + workerData.seed));
      const w = Float32Array.from({ length: 32 * 288 }, (_, i) => Math.cos(i));
      const first = new Float32Array(16 * 32 * 64);
      k.conv(0, g, x, w, null, first);
      let same = 0;
      for (let r = 0; r < 100; r++) {
        const y = new Float32Array(first.length);
        k.conv(0, g, x, w, null, y);
        if (y.every((v, i) => v === first[i])) same++;
      }
      parentPort.postMessage(same);`;
    const run = (seed: number) =>
      new Promise<number>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { addon, seed } });
        w.once('message', resolve);
        w.once('error', reject);
      });
    expect(await Promise.all([run(1), run(2), run(3)])).toEqual([100, 100, 100]);
  });
});
