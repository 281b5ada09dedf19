/**
 * The host eig kernel (LAPACK geev's algorithm): eigenvalues as a multiset and eigenvectors up to
 * what is truly determined (a unit phase per distinct eigenvalue) against torch.linalg.eig, and on
 * random matrices the defining properties: A V = V diag(w), unit columns, each column's largest
 * component real, real eigenvalues exactly real and complex ones in exact conjugate pairs.
 */
import { describe, expect, it } from 'vitest';
import { EigConvergenceError, type EigResult, eigComplex, eigReal } from '../src/ops/eig-kernel';

interface Reference {
  name: string;
  n: number;
  complex: boolean;
  a: number[];
  values: number[];
  vectors: number[];
}

// torch.linalg.eig (torch 1.13, float64 / complex128) of each matrix, interleaved (re, im).
const REFERENCES: Reference[] = [
  {
    name: 'rotation',
    n: 2,
    complex: false,
    a: [0.0, 1.0, -1.0, 0.0],
    values: [0.0, 1.0, 0.0, -1.0],
    vectors: [
      0.7071067811865475, 0.0, 0.7071067811865475, -0.0, 0.0, 0.7071067811865475, 0.0,
      -0.7071067811865475,
    ],
  },
  {
    name: 'defective',
    n: 2,
    complex: false,
    a: [1.0, 1.0, 0.0, 1.0],
    values: [1.0, 0.0, 1.0, 0.0],
    vectors: [1.0, 0.0, -1.0, 0.0, 0.0, 0.0, 2.220446049250313e-16, 0.0],
  },
  {
    name: 'real distinct',
    n: 3,
    complex: false,
    a: [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0],
    values: [16.707493316124747, 0.0, -0.9057401795217577, 0.0, 0.1982468633970094, 0.0],
    vectors: [
      -0.2235133577278518, 0.0, -0.8658457814289262, 0.0, 0.27829648598057233, 0.0,
      -0.5039456275263903, 0.0, 0.08565120135087373, 0.0, -0.8318468022052949, 0.0,
      -0.8343144391740168, 0.0, 0.49292489741225726, 0.0, 0.48018950795669213, 0.0,
    ],
  },
  {
    name: 'lower triangular',
    n: 3,
    complex: false,
    a: [1.0, 0.0, 0.0, 1.0, 2.0, 0.0, 1.0, 1.0, 3.0],
    values: [3.0, 0.0, 2.0, 0.0, 1.0, 0.0],
    vectors: [
      0.0, 0.0, 0.0, 0.0, 0.7071067811865475, 0.0, 0.0, 0.0, 0.7071067811865475, 0.0,
      -0.7071067811865475, 0.0, 1.0, 0.0, -0.7071067811865475, 0.0, 0.0, 0.0,
    ],
  },
  {
    name: 'badly scaled',
    n: 3,
    complex: false,
    a: [1e-8, 100000000.0, 0.0, 1e-8, 1.0, 100000000.0, 0.0, 1e-8, 1.0],
    values: [-0.8019377303734989, 0.0, 0.5549581355802874, 0.0, 2.2469796047932107, 0.0],
    vectors: [
      1.0, 0.0, 1.0, 0.0, 0.9999999999999996, 0.0, -8.019377403734989e-9, 0.0, 5.549581255802872e-9,
      0.0, 2.2469795947932097e-8, 0.0, 4.450418717894742e-17, 0.0, -1.2469795988831187e-16, 0.0,
      1.801937727093646e-16, 0.0,
    ],
  },
  {
    name: 'real with complex pairs',
    n: 5,
    complex: false,
    a: [
      0.07, 0.05, 1.84, 1.37, 1.12, 1.86, 0.6, 0.74, -0.81, -0.33, -1.35, 1.8, 0.2, 2.33, -0.1,
      -0.25, -1.27, -1.59, 2.03, 0.66, 0.51, 0.94, -1.23, 0.35, 0.67,
    ],
    values: [
      -0.8588514013544877, 2.10851126973421, -0.8588514013544877, -2.10851126973421,
      1.4821353060409945, 0.0, 1.9027837483339876, 1.4092212319728081, 1.9027837483339876,
      -1.4092212319728081,
    ],
    vectors: [
      0.5762630186356319, 0.0, 0.5762630186356319, -0.0, 0.3194081036342124, 0.0,
      0.22794730784013648, -0.41932067903370557, 0.22794730784013648, 0.41932067903370557,
      -0.16402257095475364, -0.436238009790753, -0.16402257095475364, 0.436238009790753,
      0.4348504227117621, 0.0, -0.31872902030495887, -0.3711020495114111, -0.31872902030495887,
      0.3711020495114111, -0.05555713513108623, 0.5280098643130486, -0.05555713513108623,
      -0.5280098643130486, -0.12389808966970661, 0.0, 0.1924331981306498, -0.2176156755779866,
      0.1924331981306498, 0.2176156755779866, -0.007839152855068395, 0.054108665162617524,
      -0.007839152855068395, -0.054108665162617524, -0.18419218889504113, 0.0, 0.6425147406781815,
      0.0, 0.6425147406781815, -0.0, -0.3697292998286571, 0.17071602500448813, -0.3697292998286571,
      -0.17071602500448813, 0.8121613596610275, 0.0, -0.1872250920435861, -0.0252928521026059,
      -0.1872250920435861, 0.0252928521026059,
    ],
  },
  {
    name: 'complex',
    n: 4,
    complex: true,
    a: [
      0.81, -1.89, 0.93, -0.13, -0.82, -1.58, 0.18, -1.77, 0.53, -0.58, -0.71, -1.01, 0.83, -1.22,
      1.23, -0.32, -1.99, -0.32, 0.13, 1.98, 0.8, 0.42, 0.69, -0.28, -0.33, 1.24, -1.67, 1.51,
      -0.44, -0.11, -0.37, 1.38,
    ],
    values: [
      -2.32135496364476, -2.1395679572410136, 2.8196361833601813, 0.7737985178164647,
      0.2231416637305743, -1.3427405899205462, -0.19142288344600253, 1.608510029345095,
    ],
    vectors: [
      0.16615427395106983, -0.28505470411032047, -0.5464831605783765, -0.11338914942708508,
      0.6220635062887854, 0.0, -0.11608338346292514, 0.03814752226872762, 0.7022920354489117, 0.0,
      -0.0014738823943856172, -0.2361964575811149, -0.1467070010600791, -0.42803430053862,
      0.04197601883288712, -0.04033823464732495, -0.1544157907749999, -0.42222557925373794,
      0.781929692704785, 0.0, 0.21547937137079906, -0.2847933196690682, -0.4569053347227198,
      -0.36074646706716057, -0.23700459128195334, -0.37367448046641677, 0.1208802771695364,
      -0.08174369303687577, -0.4362899235687081, 0.30068787092931226, 0.8017354656602863, 0.0,
    ],
  },
  {
    name: 'complex 3x3',
    n: 3,
    complex: true,
    a: [
      0.5, -4.9, 2.5, 0.4, 2.6, -0.0, -0.5, 1.8, -2.9, -2.3, -1.2, 0.4, -0.4, -1.8, 7.3, 0.3, -1.0,
      2.9,
    ],
    values: [
      -0.8696216342975855, -5.906765113443638, -1.3284475906012916, -2.3283047844461455,
      -1.2019307751011228, 3.9350698978897842,
    ],
    vectors: [
      0.7875768042861877, 0.0, 0.6435457508798783, 0.0, -0.02084434895203066, -0.28407406302070415,
      -0.4341146361681001, 0.1702057501575129, 0.15861488499245024, 0.5229893726299654,
      0.04721197668356064, 0.11217132784893154, 0.028725638716129376, -0.4018359121689632,
      -0.5246273619489048, 0.10926313190611614, 0.9508186274479026, 0.0,
    ],
  },
];

type C = [number, number];
const cget = (x: ArrayLike<number>, k: number): C => [x[2 * k], x[2 * k + 1]];
const cabs = (z: C) => Math.hypot(z[0], z[1]);

/** Entry k of a row-major real (complex = false) or interleaved complex matrix, as complex. */
const entry = (a: ArrayLike<number>, complex: boolean, k: number): C =>
  complex ? cget(a, k) : [a[k], 0];

function frobenius(a: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] ** 2;
  return Math.sqrt(s);
}

function run(a: ArrayLike<number>, n: number, complex: boolean, vectors = true): EigResult {
  const data = Float64Array.from(a);
  const r = complex ? eigComplex(data, n, vectors) : eigReal(data, n, vectors);
  expect(data).toEqual(Float64Array.from(a)); // the input is left alone
  return r;
}

/** Pairs each expected eigenvalue with the nearest unused computed one (a multiset match). */
function matchValues(
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
  tol: number,
): number[] {
  const n = expected.length / 2;
  expect(actual.length).toBe(2 * n);
  const used = new Set<number>();
  const match: number[] = [];
  for (let j = 0; j < n; j++) {
    let best = -1;
    let dist = Number.POSITIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      const d = Math.hypot(
        expected[2 * j] - actual[2 * k],
        expected[2 * j + 1] - actual[2 * k + 1],
      );
      if (!used.has(k) && d < dist) [best, dist] = [k, d];
    }
    expect(dist).toBeLessThanOrEqual(tol);
    used.add(best);
    match.push(best);
  }
  return match;
}

/** |v^H w| of columns j of v and k of w (n x n, interleaved): 1 when they agree up to a unit phase. */
function overlap(v: ArrayLike<number>, j: number, w: ArrayLike<number>, k: number, n: number) {
  let [re, im] = [0, 0];
  for (let r = 0; r < n; r++) {
    const [a, b] = cget(v, r * n + j);
    const [c, d] = cget(w, r * n + k);
    re += a * c + b * d;
    im += a * d - b * c;
  }
  return Math.hypot(re, im);
}

/** max_j ||A v_j - w_j v_j|| / ||A||. */
function residual(
  a: ArrayLike<number>,
  n: number,
  complex: boolean,
  { values, vectors }: EigResult,
) {
  let worst = 0;
  for (let j = 0; j < n; j++) {
    let ss = 0;
    for (let r = 0; r < n; r++) {
      let [re, im] = [0, 0];
      for (let k = 0; k < n; k++) {
        const [x, y] = entry(a, complex, r * n + k);
        const [u, v] = cget(vectors, k * n + j);
        re += x * u - y * v;
        im += x * v + y * u;
      }
      const [lr, li] = cget(values, j);
      const [u, v] = cget(vectors, r * n + j);
      ss += (re - (lr * u - li * v)) ** 2 + (im - (lr * v + li * u)) ** 2;
    }
    worst = Math.max(worst, Math.sqrt(ss));
  }
  return worst / Math.max(frobenius(a), Number.MIN_VALUE);
}

/** geev's conventions, whatever the matrix: unit columns, largest component real (positive for zgeev). */
function expectNormalized(n: number, complex: boolean, { vectors }: EigResult) {
  for (let j = 0; j < n; j++) {
    const mods = Array.from({ length: n }, (_, r) => cabs(cget(vectors, r * n + j)));
    expect(Math.hypot(...mods)).toBeCloseTo(1, 12);
    const top = Math.max(...mods);
    // Near-ties may be settled either way by rounding, so any near-largest component will do.
    const real = mods
      .map((m, r) => [m, ...cget(vectors, r * n + j)])
      .filter(([m, , im]) => m >= top * (1 - 1e-9) && im === 0);
    expect(real.length).toBeGreaterThan(0);
    if (complex) expect(real.some(([, re]) => re > 0)).toBe(true);
  }
}

/** A real matrix's spectrum: exactly real eigenvalues with real vectors, or exact conjugate pairs, positive imaginary part first. */
function expectRealStructure(n: number, { values, vectors }: EigResult) {
  for (let j = 0; j < n; j++) {
    const im = values[2 * j + 1];
    if (im === 0) {
      expect(Object.is(im, 0)).toBe(true);
      for (let r = 0; r < n; r++) expect(vectors[2 * (r * n + j) + 1]).toBe(0);
      continue;
    }
    expect(im).toBeGreaterThan(0);
    expect(j + 1).toBeLessThan(n);
    expect(cget(values, j + 1)).toEqual([values[2 * j], -im]);
    for (let r = 0; r < n; r++) {
      const [re, vi] = cget(vectors, r * n + j);
      expect(cget(vectors, r * n + j + 1)).toEqual([re, -vi]);
    }
    j++;
  }
}

/** Uniform in [-1, 1) from a 31-bit linear congruential generator, so runs are reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s & 0x7fffffff) / 2 ** 30 - 1;
  };
}

const randomMatrix = (n: number, complex: boolean, seed: number) =>
  Float64Array.from({ length: (complex ? 2 : 1) * n * n }, lcg(seed));

function expectDecomposition(a: ArrayLike<number>, n: number, complex: boolean): EigResult {
  const r = run(a, n, complex);
  expect(r.values.length).toBe(2 * n);
  expect(r.vectors.length).toBe(2 * n * n);
  expect(residual(a, n, complex, r)).toBeLessThan(1e-13 * Math.max(1, n));
  expectNormalized(n, complex, r);
  if (!complex) expectRealStructure(n, r);
  return r;
}

describe('eig kernel against torch.linalg.eig', () => {
  for (const ref of REFERENCES) {
    it(ref.name, () => {
      const r = expectDecomposition(ref.a, ref.n, ref.complex);
      const match = matchValues(ref.values, r.values, 1e-10 * frobenius(ref.a));
      // Eigenvectors are determined (up to a unit phase) only for simple eigenvalues.
      for (let j = 0; j < ref.n; j++) {
        const [re, im] = cget(ref.values, j);
        const simple = match.every(
          (_, k) =>
            k === j || Math.hypot(ref.values[2 * k] - re, ref.values[2 * k + 1] - im) > 1e-6,
        );
        if (simple) expect(overlap(ref.vectors, j, r.vectors, match[j], ref.n)).toBeCloseTo(1, 8);
      }
    });
  }

  it('keeps the eigenvalues of a badly scaled matrix accurate (balancing)', () => {
    const ref = REFERENCES.find((c) => c.name === 'badly scaled')!;
    const r = run(ref.a, ref.n, false);
    const match = matchValues(ref.values, r.values, 1e-6);
    for (let j = 0; j < ref.n; j++) {
      expect(r.values[2 * match[j]]).toBeCloseTo(ref.values[2 * j], 12);
    }
  });

  it('gives pure imaginary pairs for a rotation, exactly', () => {
    const r = run([0, 1, -1, 0], 2, false);
    expect(Array.from(r.values).sort((x, y) => x - y)).toEqual([-1, 0, 0, 1]);
  });
});

describe('eig kernel on random matrices', () => {
  for (const complex of [false, true]) {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 50]) {
      it(`${complex ? 'complex' : 'real'} n=${n}`, () => {
        for (let seed = 1; seed <= (n === 50 ? 2 : 6); seed++) {
          const a = randomMatrix(n, complex, 1000 * n + seed);
          const r = expectDecomposition(a, n, complex);
          const only = run(a, n, complex, false);
          expect(only.vectors.length).toBe(0);
          matchValues(r.values, only.values, 1e-12 * frobenius(a));
        }
      });
    }
  }
});

describe('eig kernel on structured matrices', () => {
  it('n = 0 and n = 1', () => {
    for (const complex of [false, true]) {
      expect(run([], 0, complex)).toEqual({
        values: new Float64Array(0),
        vectors: new Float64Array(0),
      });
    }
    expect(run([-3], 1, false)).toEqual({
      values: Float64Array.of(-3, 0),
      vectors: Float64Array.of(1, 0),
    });
    expect(run([2, -5], 1, true)).toEqual({
      values: Float64Array.of(2, -5),
      vectors: Float64Array.of(1, 0),
    });
  });

  it('zero and diagonal matrices: the diagonal, with unit vectors', () => {
    for (const diag of [
      [0, 0, 0, 0],
      [3, 1, 2, 1],
    ]) {
      const n = diag.length;
      const a = Array.from({ length: n * n }, (_, k) =>
        k % (n + 1) === 0 ? diag[k / (n + 1)] : 0,
      );
      const r = expectDecomposition(a, n, false);
      matchValues(
        diag.flatMap((d) => [d, 0]),
        r.values,
        0,
      );
      const mags = Array.from(r.vectors, Math.abs).sort((x, y) => x - y);
      expect(mags.slice(-n)).toEqual(Array(n).fill(1)); // one +-1 per column, the rest 0
      expect(mags.slice(0, -n).every((m) => m === 0)).toBe(true);
    }
  });

  it('triangular matrices: exactly their diagonal', () => {
    const n = 6;
    const next = lcg(42);
    const upper = Array.from({ length: n * n }, (_, k) =>
      k % n >= Math.floor(k / n) ? next() : 0,
    );
    const lower = Array.from({ length: n * n }, (_, k) => upper[(k % n) * n + Math.floor(k / n)]);
    for (const a of [upper, lower]) {
      const r = expectDecomposition(a, n, false);
      const diag = Array.from({ length: n }, (_, k) => [upper[k * (n + 1)], 0]).flat();
      matchValues(diag, r.values, 0);
    }
  });

  it('a defective Jordan block: finite, nearly parallel vectors (as LAPACK)', () => {
    const n = 5;
    const a = Array.from({ length: n * n }, (_, k) =>
      k % (n + 1) === 0 ? 2 : k % (n + 1) === 1 ? 1 : 0,
    );
    const r = run(a, n, false);
    expect([...r.values]).toEqual(Array.from({ length: 2 * n }, (_, k) => (k % 2 ? 0 : 2)));
    for (let j = 0; j < n; j++) expect(Math.abs(r.vectors[2 * j])).toBeCloseTo(1, 10);
    expectNormalized(n, false, r);
    expect(run([1, 1, 0, 1], 2, false).vectors[2]).toBe(-1); // LAPACK's [[1, -1], [0, 2.2e-16]]
  });

  it('rotations and repeated eigenvalues', () => {
    const [c, s] = [Math.cos(0.3), Math.sin(0.3)];
    const r3 = expectDecomposition([c, -s, 0, s, c, 0, 0, 0, 1], 3, false);
    matchValues([c, s, c, -s, 1, 0], r3.values, 1e-15);
    // Two copies of one rotation block, mixed by an orthogonal similarity: a double pair.
    const q = [0.6, 0, 0.8, 0, 0, 1, 0, 0, -0.8, 0, 0.6, 0, 0, 0, 0, 1];
    const b = [0, 2, 0, 0, -2, 0, 0, 0, 0, 0, 0, 2, 0, 0, -2, 0];
    const mul = (x: number[], y: number[]) =>
      Array.from({ length: 16 }, (_, k) =>
        [0, 1, 2, 3].reduce((acc, m) => acc + x[Math.floor(k / 4) * 4 + m] * y[m * 4 + (k % 4)], 0),
      );
    const qt = Array.from({ length: 16 }, (_, k) => q[(k % 4) * 4 + Math.floor(k / 4)]);
    const r4 = expectDecomposition(mul(mul(q, b), qt), 4, false);
    matchValues([0, 2, 0, -2, 0, 2, 0, -2], r4.values, 1e-14);
    expectDecomposition([1, 0, 0, 0, 1, 0, 0, 0, 1], 3, false);
  });

  it('throws EigConvergenceError on non-finite input instead of hanging', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const a = randomMatrix(30, false, 7);
      a[31] = bad;
      expect(() => eigReal(a, 30, true)).toThrow(EigConvergenceError);
      const z = randomMatrix(30, true, 7);
      z[62] = bad;
      expect(() => eigComplex(z, 30, false)).toThrow(EigConvergenceError);
    }
    expect(new EigConvergenceError('x')).toBeInstanceOf(Error);
  });
});
