/**
 * The eig kernel's eigenvectors: back substitution on the Schur form (trevc3, with dlaln2's 2x2
 * solve), the transform back by the Schur vectors, and geev's final normalization (dlartg's
 * rotation for a real matrix's complex pairs, a real positive largest component for zgeev).
 */
import {
  at,
  type CMatrix,
  type Complex,
  type CVector,
  cabs1,
  cdiv,
  cmul,
  cscale,
  csub,
  SAFMIN,
  ULP,
} from './complex-math';

/** Back substitution rescales its vector past this, as trevc3 does, so defective inputs stay finite. */
const RESCALE_AT = 2 ** 500;

/**
 * trevc3: x (rows 0..ki) with T x = lambda x for the eigenvalue whose diagonal block ends at row
 * ki; for a real 2x2 block (pair) the one with positive imaginary part. x(ki) = 1 (or the pair's
 * fixed start), then each 1x1 or 2x2 diagonal block solved in turn, pivots below smin raised to
 * smin so that repeated and defective eigenvalues give finite, nearly parallel vectors as LAPACK's.
 */
export function schurVector(t: CMatrix, ki: number, pair: boolean, x: CVector): void {
  const { n, re, im } = t;
  x.re.fill(0);
  x.im.fill(0);
  let lambda = at(t, ki, ki);
  let top = ki - 1;
  if (pair) {
    const [b, c] = [re[(ki - 1) * n + ki], re[ki * n + ki - 1]];
    lambda = [lambda[0], Math.sqrt(Math.abs(b)) * Math.sqrt(Math.abs(c))];
    if (Math.abs(b) >= Math.abs(c)) [x.re[ki - 1], x.im[ki]] = [1, lambda[1] / b];
    else [x.re[ki - 1], x.im[ki]] = [-lambda[1] / c, 1];
    top = ki - 2;
  } else x.re[ki] = 1;
  // x[0..last] -= T[0..last][c] x[c]: a solved component's share of the rows above.
  const eliminate = (c: number, last: number) => {
    const [xr, xi] = [x.re[c], x.im[c]];
    for (let k = 0, p = c; k <= last; k++, p += n) {
      x.re[k] -= re[p] * xr - im[p] * xi;
      x.im[k] -= re[p] * xi + im[p] * xr;
    }
  };
  for (let c = top + 1; c <= ki; c++) eliminate(c, top);
  const smin = Math.max(ULP * cabs1(lambda), SAFMIN * (n / ULP));
  for (let j = top; j >= 0; ) {
    const block = j > 0 && (re[j * n + j - 1] !== 0 || im[j * n + j - 1] !== 0);
    const j0 = block ? j - 1 : j;
    if (block) {
      const a = [
        csub(at(t, j0, j0), lambda),
        at(t, j0, j),
        at(t, j, j0),
        csub(at(t, j, j), lambda),
      ];
      const sol = solve2x2(a, [x.re[j0], x.im[j0]], [x.re[j], x.im[j]], smin);
      [x.re[j0], x.im[j0], x.re[j], x.im[j]] = [...sol[0], ...sol[1]];
    } else {
      let d = csub(at(t, j, j), lambda);
      if (cabs1(d) < smin) d = [smin, 0];
      [x.re[j], x.im[j]] = cdiv([x.re[j], x.im[j]], d);
    }
    const big = Math.max(cabs1([x.re[j0], x.im[j0]]), cabs1([x.re[j], x.im[j]]));
    if (big > RESCALE_AT)
      for (let k = 0; k <= ki; k++) [x.re[k], x.im[k]] = [x.re[k] / big, x.im[k] / big];
    for (let c = j0; c <= j; c++) eliminate(c, j0 - 1);
    j = j0 - 1;
  }
}

/** dlaln2's 2x2 solve [a00 a01; a10 a11] x = b by complete pivoting, pivots below smin raised to it. */
function solve2x2(a: Complex[], b0: Complex, b1: Complex, smin: number): [Complex, Complex] {
  let p = 0;
  for (let k = 1; k < 4; k++) if (cabs1(a[k]) > cabs1(a[p])) p = k;
  if (cabs1(a[p]) < smin) return [cscale(b0, 1 / smin), cscale(b1, 1 / smin)];
  const [swapRows, swapCols] = [p >= 2, p % 2 === 1];
  const m = (r: number, c: number) => a[(swapRows ? 1 - r : r) * 2 + (swapCols ? 1 - c : c)];
  const [r0, r1] = swapRows ? [b1, b0] : [b0, b1];
  const l = cdiv(m(1, 0), m(0, 0));
  let u11 = csub(m(1, 1), cmul(l, m(0, 1)));
  if (cabs1(u11) < smin) u11 = [smin, 0];
  const y1 = cdiv(csub(r1, cmul(l, r0)), u11);
  const y0 = cdiv(csub(r0, cmul(m(0, 1), y1)), m(0, 0));
  return swapCols ? [y1, y0] : [y0, y1];
}

/** Column col of out <- Z x (x nonzero in rows 0..last), scaled to largest |re|+|im| = 1 as trevc3 does. */
export function backTransform(
  z: CMatrix,
  x: CVector,
  last: number,
  out: Float64Array,
  col: number,
): void {
  const { n, re, im } = z;
  let big = 0;
  for (let r = 0; r < n; r++) {
    let [sr, si] = [0, 0];
    for (let k = 0, p = r * n; k <= last; k++, p++) {
      sr += re[p] * x.re[k] - im[p] * x.im[k];
      si += re[p] * x.im[k] + im[p] * x.re[k];
    }
    [out[2 * (r * n + col)], out[2 * (r * n + col) + 1]] = [sr, si];
    big = Math.max(big, Math.abs(sr) + Math.abs(si));
  }
  for (let r = 0; r < n; r++) for (let c = 0; c < 2; c++) out[2 * (r * n + col) + c] /= big;
}

/**
 * geev's normalization of column col: unit Euclidean norm, then a unit phase that makes its
 * largest component (by re^2 + im^2, the first on ties) real: positive (zgeev), or, for a real
 * matrix's complex pair (dgeev's dlartg rotation), with the sign of its real part kept. A real
 * vector is only scaled, its sign left as the algorithm gave it.
 */
export function normalizeColumn(v: Float64Array, n: number, col: number, keepSign: boolean): void {
  const idx = (r: number) => 2 * (r * n + col);
  let ss = 0;
  for (let r = 0; r < n; r++) ss += v[idx(r)] ** 2 + v[idx(r) + 1] ** 2;
  const scl = 1 / Math.sqrt(ss);
  let k = 0;
  let best = -1;
  for (let r = 0; r < n; r++) {
    [v[idx(r)], v[idx(r) + 1]] = [v[idx(r)] * scl, v[idx(r) + 1] * scl];
    const m = v[idx(r)] ** 2 + v[idx(r) + 1] ** 2;
    if (m > best) [k, best] = [r, m];
  }
  const [f, g] = [v[idx(k)], v[idx(k) + 1]];
  if (keepSign && g === 0) return;
  const d = Math.sqrt(f * f + g * g);
  // dlartg: c = |f|/d, s = g/r with r = sign(f) d, and r = |g| when f = 0.
  const phase: Complex = keepSign ? [Math.abs(f) / d, -g / (f < 0 ? -d : d)] : [f / d, -g / d];
  for (let r = 0; r < n; r++) [v[idx(r)], v[idx(r) + 1]] = cmul(phase, [v[idx(r)], v[idx(r) + 1]]);
  v[idx(k) + 1] = 0;
}
