import { describe, expect, it } from 'vitest';
import * as T from '../src/index';

/**
 * The fused LSTM cell (ops/lstm.ts) on every kernel tier this project runs: float32 (the
 * WebAssembly kernel, or JavaScript under TENSILE_CPU_KERNELS=js) against the cell written out
 * here in float64, lane tails (hidden sizes that are not multiples of 4) and the threaded
 * split included.
 */
const sig = (x: number) => 1 / (1 + Math.exp(-x));

function reference(xg: Float64Array, hg: Float64Array, c: Float64Array, h: number) {
  const hy: number[] = [];
  const cy: number[] = [];
  const ws: number[] = [];
  const rows = c.length / h;
  for (let r = 0; r < rows; r++) {
    const at = (k: number, j: number) => xg[r * 4 * h + k * h + j] + hg[r * 4 * h + k * h + j];
    const row = [0, 1, 2, 3].map((k) =>
      Array.from({ length: h }, (_, j) => (k === 2 ? Math.tanh : sig)(at(k, j))),
    );
    ws.push(...row.flat());
    for (let j = 0; j < h; j++) {
      const c2 = row[1][j] * c[r * h + j] + row[0][j] * row[2][j];
      cy.push(c2);
      hy.push(row[3][j] * Math.tanh(c2));
    }
  }
  return { hy, cy, ws };
}

function referenceGrad(
  gh: number[],
  gc: number[],
  c: Float64Array,
  cy: number[],
  ws: number[],
  h: number,
) {
  const dg: number[] = [];
  const dc: number[] = [];
  for (let r = 0; r < c.length / h; r++) {
    const g4 = (k: number) => ws.slice(r * 4 * h + k * h, r * 4 * h + (k + 1) * h);
    const [i, f, g, o] = [0, 1, 2, 3].map(g4);
    const rowG: number[][] = [[], [], [], []];
    for (let j = 0; j < h; j++) {
      const m = r * h + j;
      const t = Math.tanh(cy[m]);
      const d = gc[m] + gh[m] * o[j] * (1 - t * t);
      rowG[0].push(d * g[j] * i[j] * (1 - i[j]));
      rowG[1].push(d * c[m] * f[j] * (1 - f[j]));
      rowG[2].push(d * i[j] * (1 - g[j] * g[j]));
      rowG[3].push(gh[m] * t * o[j] * (1 - o[j]));
      dc.push(d * f[j]);
    }
    dg.push(...rowG.flat());
  }
  return { dg, dc };
}

function expectClose(got: T.Tensor, want: number[], tol: number) {
  const g = got.dataSync();
  expect(g.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(g[i] - want[i]));
  expect(worst).toBeLessThan(tol);
}

describe('lstmCell', () => {
  it.each([
    [3, 5],
    [4, 8],
    [64, 128], // 32,768 gate values: the rows are split across the threads
  ])('matches the cell in float64 (batch %i, hidden %i), forward and backward', (b, h) => {
    const gen = new T.Generator(b * 1000 + h);
    const [xg, hg] = [0, 1].map(() => T.randn([b, 4 * h], { generator: gen }).mul(3));
    const c = T.randn([b, h], { generator: gen });
    const [gh, gc] = [0, 1].map(() => T.randn([b, h], { generator: gen }));
    const f64 = (t: T.Tensor) => Float64Array.from(t.dataSync());
    const want = reference(f64(xg), f64(hg), f64(c), h);
    for (const dtype of ['float32', 'float64'] as const) {
      const tol = dtype === 'float32' ? 5e-6 : 1e-12;
      const [hy, cy, ws] = T.lstmCell(xg.to(dtype), hg.to(dtype), c.to(dtype));
      expect([hy.shape, cy.shape, ws.shape]).toEqual([
        [b, h],
        [b, h],
        [b, 4 * h],
      ]);
      expect(hy.dtype).toBe(dtype);
      expectClose(hy, want.hy, tol);
      expectClose(cy, want.cy, tol * 4);
      expectClose(ws, want.ws, tol);
      const ref = referenceGrad(
        [...gh.dataSync()],
        [...gc.dataSync()],
        f64(c),
        want.cy,
        want.ws,
        h,
      );
      const [dg, dc] = T.lstmCellBackward(gh.to(dtype), gc.to(dtype), c.to(dtype), cy, ws);
      expectClose(dg, ref.dg, tol * 4);
      expectClose(dc, ref.dc, tol * 4);
      // Without a gradient for one output: as if it were zeros.
      const zeros = T.zeros([b, h], { dtype });
      const [dgH] = T.lstmCellBackward(gh.to(dtype), null, c.to(dtype), cy, ws);
      const [dgZ] = T.lstmCellBackward(gh.to(dtype), zeros, c.to(dtype), cy, ws);
      expect(Array.from(dgH.dataSync())).toEqual(Array.from(dgZ.dataSync()));
      const [, dcC] = T.lstmCellBackward(null, gc.to(dtype), c.to(dtype), cy, ws);
      const [, dcZ] = T.lstmCellBackward(zeros, gc.to(dtype), c.to(dtype), cy, ws);
      expect(Array.from(dcC.dataSync())).toEqual(Array.from(dcZ.dataSync()));
    }
  });

  it('takes strided operands, and the differentiable composition gives the same values', () => {
    const gen = new T.Generator(7);
    const xg = T.randn([8, 3], { generator: gen }).t(); // [3, 8]: hidden 2, transposed
    const hg = T.randn([3, 16], { generator: gen }).narrow(1, 4, 8);
    const c = T.randn([2, 3], { generator: gen }).t();
    const fused = T.lstmCell(xg, hg, c);
    const composed = T.lstmCell(xg, hg, c, { differentiable: true });
    const dense = T.lstmCell(xg.contiguous(), hg.contiguous(), c.contiguous());
    fused.forEach((t, i) => {
      expectClose(t, Array.from(composed[i].dataSync()), 1e-6);
      expect(Array.from(t.dataSync())).toEqual(Array.from(dense[i].dataSync()));
    });
    const gh = T.ones([3, 2]);
    const a = T.lstmCellBackward(gh, null, c, fused[1], fused[2]);
    const b = T.lstmCellBackward(gh, null, c, fused[1], fused[2], { differentiable: true });
    a.forEach((t, i) => {
      expectClose(t, Array.from(b[i].dataSync()), 1e-6);
    });
  });

  it('keeps a NaN or infinity to its own unit', () => {
    const data = new Array<number>(16).fill(0);
    data[1] = Number.NaN; // row 0, unit 1's input gate
    data[8 + 2 * 2] = Number.POSITIVE_INFINITY; // row 1, unit 0's cell gate: tanh = 1
    const xg = T.tensor(data).reshape([2, 8]);
    const [hy, cy] = T.lstmCell(xg, T.zeros([2, 8]), T.zeros([2, 2]));
    const nan = Array.from(cy.dataSync(), Number.isNaN);
    expect(nan).toEqual([false, true, false, false]);
    expect(cy.dataSync()[2]).toBeCloseTo(0.5, 6); // sigmoid(0) * tanh(inf)
    expect(Array.from(hy.dataSync(), Number.isNaN)).toEqual(nan);
  });

  it('names the op and both shapes when they do not fit, and refuses other dtypes', () => {
    const c = T.zeros([2, 3]);
    expect(() => T.lstmCell(T.zeros([2, 12]), T.zeros([2, 10]), c)).toThrow(
      'lstmCell: expected a tensor of shape [2, 12] for a cell state of [2, 3], but got [2, 10]',
    );
    expect(() => T.lstmCell(T.zeros([2, 12]), T.zeros([2, 12]), T.zeros([3]))).toThrow(
      /lstmCell: expected a 2-D cell state, but got \[3\]/,
    );
    expect(() => T.lstmCell(T.zeros([2, 12]), T.zeros([2, 12], { dtype: 'float64' }), c)).toThrow(
      /expected float32 like the cell state, but got float64/,
    );
    const i = T.zeros([2, 3], { dtype: 'int32' });
    expect(() => T.lstmCell(T.zeros([2, 12]), T.zeros([2, 12]), i)).toThrow(T.DTypeError);
    const ws = T.zeros([2, 12]);
    expect(() => T.lstmCellBackward(T.zeros([2, 4]), null, c, c, ws)).toThrow(
      'lstmCellBackward: expected a tensor of shape [2, 3] for a cell state of [2, 3], but got [2, 4]',
    );
  });
});

describe('elementwise results', () => {
  it("take their operands' shared dense layout, as torch's do", () => {
    const a = T.arange(12, { dtype: 'float32' }).reshape([3, 4]).t();
    const b = T.arange(12, { dtype: 'float32' }).reshape([3, 4]).t().mul(10);
    const sum = a.add(b);
    expect(sum.strides).toEqual([1, 4]);
    expect(sum.isContiguous()).toBe(false);
    expect(Array.from(sum.contiguous().dataSync())).toEqual(
      Array.from(a.contiguous().dataSync(), (v) => v * 11),
    );
    expect(a.neg().strides).toEqual([1, 4]);
    // A broadcast operand does not decide; mixed layouts give row-major.
    expect(a.add(T.ones([4, 1])).strides).toEqual([1, 4]);
    expect(a.add(a.contiguous()).strides).toEqual([3, 1]);
    // A sum of the same layout taken in place is one run (and right).
    sum.add_(a);
    expect(Array.from(sum.contiguous().dataSync())).toEqual(
      Array.from(a.contiguous().dataSync(), (v) => v * 12),
    );
  });

  it('add a row to every row of a matrix on the kernels (a bias), to the bit', () => {
    const gen = new T.Generator(3);
    for (const [rows, n] of [
      [300, 33],
      [64, 16],
      [2, 4096],
    ]) {
      const x = T.randn([rows, n], { generator: gen });
      const row = T.randn([n], { generator: gen });
      const [xd, rd] = [x.dataSync(), row.dataSync()];
      for (const [op, f] of [
        ['add', (p: number, q: number) => p + q],
        ['mul', (p: number, q: number) => p * q],
        ['sub', (p: number, q: number) => p - q],
      ] as const) {
        const got = (x[op] as (o: T.Tensor) => T.Tensor)(row).dataSync();
        const want = Float32Array.from(xd, (v, i) => f(v, rd[i % n]));
        expect(got).toEqual(want);
      }
    }
  });
});
