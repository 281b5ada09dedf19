/**
 * Golden tests: every case in test/fixtures/*.json (computed with PyTorch by
 * tools/fixtures/generate.py) runs against @tensile/tensor as `<group>/<op>/<case id>`, through
 * the harness other backends run too (@tensile/tensor/testing).
 * Random ops cannot match PyTorch's stream, so they get statistical checks below instead.
 */
import * as T from '@tensile/tensor';
import { goldenCases, loadFixtures } from '@tensile/tensor/testing';
import { describe, expect, it } from 'vitest';
import { expectStats, extent, mean } from './golden/stats';

for (const golden of goldenCases(loadFixtures())) {
  it(golden.name, () => {
    const errs = golden.run();
    expect(errs, errs.join('\n')).toEqual([]);
  });
}

const N = 100_000;

describe('random ops (statistics over 1e5 samples)', () => {
  it('rand is uniform on [0, 1)', () => {
    const x = T.rand([N]).dataSync();
    const [lo, hi] = extent(x);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expectStats(x, 0.5, Math.sqrt(1 / 12), 0.005);
  });

  it('randn is standard normal', () => {
    const x = T.randn([N], { dtype: 'float64' });
    expect(x.dtype).toBe('float64');
    expectStats(x.dataSync(), 0, 1, 0.015);
  });

  it('normal(mean, std) has that mean and std', () => {
    expectStats(T.normal(2, 0.5, [N]).dataSync(), 2, 0.5, 0.01);
  });

  it('randint covers [low, high) uniformly', () => {
    const x = T.randint(3, 7, [N]);
    expect(x.dtype).toBe('int64');
    const d = x.dataSync();
    const counts = [0, 0, 0, 0];
    for (const v of d) counts[v - 3]++;
    expect(counts.reduce((a, b) => a + b)).toBe(N);
    for (const c of counts) expect(Math.abs(c / N - 0.25)).toBeLessThan(0.01);
  });

  it('randperm is a permutation of 0..n-1', () => {
    const p = T.randperm(1000);
    expect(p.dtype).toBe('int64');
    const sorted = Array.from(p.dataSync()).sort((a, b) => a - b);
    expect(sorted).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(p.dataSync())).not.toEqual(sorted);
  });

  it('bernoulli draws 0/1 with probability p, in the dtype of p', () => {
    const x = T.bernoulli(T.full([N], 0.3));
    expect(x.dtype).toBe('float32');
    const d = x.dataSync();
    expect(d.every((v) => v === 0 || v === 1)).toBe(true);
    expect(Math.abs(mean(d) - 0.3)).toBeLessThan(0.005);
  });

  it('multinomial with replacement follows the probabilities', () => {
    const x = T.multinomial(T.tensor([0.1, 0.2, 0.7]), N, { replacement: true });
    expect(x.dtype).toBe('int64');
    const counts = [0, 0, 0];
    for (const v of x.dataSync()) counts[v]++;
    for (const [i, p] of [0.1, 0.2, 0.7].entries())
      expect(Math.abs(counts[i] / N - p)).toBeLessThan(0.01);
  });

  it('multinomial without replacement draws distinct indices, proportionally to weight', () => {
    const probs = T.tensor([1, 2, 3, 4, 0], { dtype: 'float32' }).expand([2000, 5]).contiguous();
    const x = T.multinomial(probs, 4);
    expect([...x.shape]).toEqual([2000, 4]);
    const rows = x.tolist() as number[][];
    let firstIs3 = 0;
    for (const r of rows) {
      expect(new Set(r).size).toBe(4);
      expect(r).not.toContain(4); // zero weight is never drawn
      if (r[0] === 3) firstIs3++;
    }
    expect(Math.abs(firstIs3 / 2000 - 0.4)).toBeLessThan(0.05);
  });

  it('uniform_ / normal_ fill in place', () => {
    const u = T.zeros([N]);
    expect(u.uniform_(-2, 3)).toBe(u);
    const ud = u.dataSync();
    const [lo, hi] = extent(ud);
    expect(lo).toBeGreaterThanOrEqual(-2);
    expect(hi).toBeLessThan(3);
    expectStats(ud, 0.5, 5 / Math.sqrt(12), 0.02);
    const n = T.zeros([N], { dtype: 'float64' });
    expectStats(n.normal_(1, 2).dataSync(), 1, 2, 0.03);
  });

  it('randLike / randnLike keep shape and dtype', () => {
    const x = T.zeros([3, 4], { dtype: 'float64' });
    for (const r of [T.randLike(x), T.randnLike(x)]) {
      expect([...r.shape]).toEqual([3, 4]);
      expect(r.dtype).toBe('float64');
    }
  });
});

describe('random ops repeat exactly under a seed', () => {
  const draw = () =>
    [
      T.rand([5]),
      T.randn([5]),
      T.randint(0, 100, [5]),
      T.randperm(10),
      T.normal(0, 1, [3]),
      T.bernoulli(T.full([6], 0.5)),
      T.multinomial(T.tensor([0.2, 0.3, 0.5]), 5, { replacement: true }),
    ].map((t) => Array.from(t.dataSync()));

  it('manualSeed restarts the default stream', () => {
    T.manualSeed(1234);
    const a = draw();
    T.manualSeed(1234);
    expect(draw()).toEqual(a);
    T.manualSeed(4321);
    expect(draw()).not.toEqual(a);
  });

  it('a Generator passed as an option is independent of the default stream', () => {
    const g1 = new T.Generator(7);
    const a = T.rand([8], { generator: g1 }).dataSync();
    T.rand([3]); // advancing the default stream must not matter
    const g2 = new T.Generator(7);
    expect(Array.from(T.rand([8], { generator: g2 }).dataSync())).toEqual(Array.from(a));
    const p1 = T.randperm(20, { generator: new T.Generator(3) }).dataSync();
    const p2 = T.randperm(20, { generator: new T.Generator(3) }).dataSync();
    expect(Array.from(p1)).toEqual(Array.from(p2));
  });
});

describe('default dtype', () => {
  it('setDefaultDtype changes what float data and float creation produce', () => {
    expect(T.getDefaultDtype()).toBe('float32');
    T.setDefaultDtype('float64');
    try {
      expect(T.tensor([1.5]).dtype).toBe('float64');
      expect(T.zeros([2]).dtype).toBe('float64');
      expect(T.arange(0, 1, 0.5).dtype).toBe('float64');
      expect(T.tensor([1, 2]).dtype).toBe('int64');
      expect(T.add(T.tensor([1, 2]), 0.5).dtype).toBe('float64');
    } finally {
      T.setDefaultDtype('float32');
    }
    expect(T.tensor([1.5]).dtype).toBe('float32');
  });
});
