/**
 * The general (non-symmetric) eigendecomposition in float64 on the host, step for step as LAPACK's
 * geev computes it for torch.linalg.eig: balance (gebal), reduce to Hessenberg form by Householder
 * reflectors (gehd2, orghr), iterate to Schur form (lahqr: Francis double-shift QR for real
 * matrices, Wilkinson single-shift QR for complex ones), back-substitute for the eigenvectors of
 * the Schur form (trevc3), undo the balancing (gebak) and normalize as geev does. Keeping LAPACK's
 * reflectors, shifts, deflation tests and 2x2 standardization keeps its eigenvalue order and the
 * signs of its real eigenvectors in the common case, which no phase normalization could fix.
 * Everything runs on split complex planes; a real matrix keeps zero imaginary planes throughout.
 */

export interface EigResult {
  /** n eigenvalues as interleaved (re, im) pairs (length 2n). */
  values: Float64Array;
  /** n x n eigenvectors, column j for values[j], row-major, interleaved (re, im) (length 2n*n); empty when !vectors. */
  vectors: Float64Array;
}

/** Thrown (as a plain Error subclass the caller rewraps) when the QR iteration does not converge. */
export class EigConvergenceError extends Error {}

const ULP = 2 ** -52; // dlamch('P')
const SAFMIN = 2 ** -1022; // dlamch('S')
/** Back substitution rescales its vector past this, as trevc3 does, so defective inputs stay finite. */
const RESCALE_AT = 2 ** 500;

/** A complex n x n row-major matrix as split real and imaginary planes. */
interface CMatrix {
  n: number;
  re: Float64Array;
  im: Float64Array;
}
/** A complex vector as split planes. */
interface CVector {
  re: Float64Array;
  im: Float64Array;
}
type Complex = [number, number];

const cvector = (n: number): CVector => ({ re: new Float64Array(n), im: new Float64Array(n) });
const cabs1 = (a: Complex) => Math.abs(a[0]) + Math.abs(a[1]);
const cadd = (a: Complex, b: Complex): Complex => [a[0] + b[0], a[1] + b[1]];
const csub = (a: Complex, b: Complex): Complex => [a[0] - b[0], a[1] - b[1]];
const cscale = (a: Complex, s: number): Complex => [a[0] * s, a[1] * s];
const cmul = (a: Complex, b: Complex): Complex => [
  a[0] * b[0] - a[1] * b[1],
  a[0] * b[1] + a[1] * b[0],
];
/** Smith's division, which neither overflows nor underflows on the way for representable quotients. */
function cdiv(a: Complex, b: Complex): Complex {
  if (Math.abs(b[0]) >= Math.abs(b[1])) {
    const r = b[1] / b[0];
    const d = b[0] + b[1] * r;
    return [(a[0] + a[1] * r) / d, (a[1] - a[0] * r) / d];
  }
  const r = b[0] / b[1];
  const d = b[0] * r + b[1];
  return [(a[0] * r + a[1]) / d, (a[1] * r - a[0]) / d];
}
function csqrt(a: Complex): Complex {
  const m = Math.hypot(a[0], a[1]);
  if (m === 0) return [0, 0];
  const re = Math.sqrt((m + Math.abs(a[0])) / 2);
  if (a[0] >= 0) return [re, a[1] / (2 * re)];
  return [Math.abs(a[1]) / (2 * re), a[1] < 0 ? -re : re];
}
/** Fortran's SIGN(a, b), -0 included: LAPACK's reflector signs hinge on it. */
const withSignOf = (a: number, b: number) =>
  b < 0 || Object.is(b, -0) ? -Math.abs(a) : Math.abs(a);
const at = (m: CMatrix, r: number, c: number): Complex => [m.re[r * m.n + c], m.im[r * m.n + c]];

/** Eigenvalues and right eigenvectors of the real n x n row-major matrix `a` (not modified). */
export function eigReal(a: Float64Array, n: number, vectors: boolean): EigResult {
  const t: CMatrix = { n, re: a.slice(0, n * n), im: new Float64Array(n * n) };
  const bal = balance(t);
  const q = hessenberg(t, bal.lo, bal.hi, vectors);
  realSchur(t, q ? q.re : null, bal.lo, bal.hi);
  const values = new Float64Array(2 * n);
  const pairAt = (k: number) => k + 1 < n && t.re[(k + 1) * n + k] !== 0;
  for (let k = 0; k < n; k++) {
    values[2 * k] = t.re[k * n + k];
    // A standardized 2x2 block has equal diagonals, so the pair comes out exactly conjugate.
    if (pairAt(k)) {
      const wi =
        Math.sqrt(Math.abs(t.re[k * n + k + 1])) * Math.sqrt(Math.abs(t.re[(k + 1) * n + k]));
      values[2 * k + 1] = wi;
      values[2 * k + 2] = t.re[k * n + k];
      values[2 * k + 3] = -wi;
      k++;
    }
  }
  if (!q) return { values, vectors: new Float64Array(0) };
  const v = new Float64Array(2 * n * n);
  const x = cvector(n);
  for (let k = 0; k < n; k++) {
    schurVector(t, pairAt(k) ? k + 1 : k, pairAt(k), x);
    backTransform(q, x, pairAt(k) ? k + 1 : k, v, k);
    if (pairAt(k)) k++;
  }
  unbalance(v, n, bal);
  for (let k = 0; k < n; k++) {
    normalizeColumn(v, n, k, true);
    if (pairAt(k)) {
      k++;
      for (let r = 0; r < n; r++) {
        v[2 * (r * n + k)] = v[2 * (r * n + k - 1)];
        v[2 * (r * n + k) + 1] = -v[2 * (r * n + k - 1) + 1];
      }
    } else for (let r = 0; r < n; r++) v[2 * (r * n + k) + 1] = 0; // +0, not a stray -0
  }
  return { values, vectors: v };
}

/** The same for a complex matrix given as interleaved (re, im) pairs, row-major, length 2*n*n. */
export function eigComplex(a: Float64Array, n: number, vectors: boolean): EigResult {
  const t: CMatrix = { n, re: new Float64Array(n * n), im: new Float64Array(n * n) };
  for (let k = 0; k < n * n; k++) [t.re[k], t.im[k]] = [a[2 * k], a[2 * k + 1]];
  const bal = balance(t);
  const q = hessenberg(t, bal.lo, bal.hi, vectors);
  complexSchur(t, q, bal.lo, bal.hi);
  const values = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) [values[2 * k], values[2 * k + 1]] = at(t, k, k);
  if (!q) return { values, vectors: new Float64Array(0) };
  const v = new Float64Array(2 * n * n);
  const x = cvector(n);
  for (let k = 0; k < n; k++) {
    schurVector(t, k, false, x);
    backTransform(q, x, k, v, k);
  }
  unbalance(v, n, bal);
  for (let k = 0; k < n; k++) normalizeColumn(v, n, k, false);
  return { values, vectors: v };
}

/** gebal's outcome: the active block lo..hi, the row/column exchanges, and the diagonal scaling. */
interface Balance {
  lo: number;
  hi: number;
  perm: Int32Array;
  scale: Float64Array;
}

/**
 * gebal('B'): permute rows and columns that already isolate an eigenvalue out of the way (so the QR
 * iteration never sees them), then scale the rest by powers of 2 until rows and columns have
 * comparable norms, which is what keeps badly scaled matrices accurate. Exact in floating point.
 */
function balance(t: CMatrix): Balance {
  const { n, re, im } = t;
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const scale = new Float64Array(n).fill(1);
  let lo = 0;
  let hi = n - 1;
  const nonzero = (r: number, c: number) => re[r * n + c] !== 0 || im[r * n + c] !== 0;
  const exchange = (j: number, m: number) => {
    if (j === m) return;
    for (const p of [re, im]) {
      for (let r = 0; r <= hi; r++) [p[r * n + j], p[r * n + m]] = [p[r * n + m], p[r * n + j]];
      for (let c = lo; c < n; c++) [p[j * n + c], p[m * n + c]] = [p[m * n + c], p[j * n + c]];
    }
  };
  // Restarting each search after an exchange, as gebal does, fixes LAPACK's eigenvalue order.
  rows: while (hi >= 0) {
    for (let j = hi; j >= 0; j--) {
      let isolated = true;
      for (let c = 0; c <= hi && isolated; c++) isolated = c === j || !nonzero(j, c);
      if (!isolated) continue;
      perm[hi] = j;
      exchange(j, hi);
      if (hi === 0) return { lo: 0, hi: 0, perm, scale };
      hi--;
      continue rows;
    }
    break;
  }
  cols: for (;;) {
    for (let j = lo; j <= hi; j++) {
      let isolated = true;
      for (let r = lo; r <= hi && isolated; r++) isolated = r === j || !nonzero(r, j);
      if (!isolated) continue;
      perm[lo] = j;
      exchange(j, lo);
      lo++;
      continue cols;
    }
    break;
  }
  const norm = (from: number, count: number, stride: number, kind: 'l2' | 'max') => {
    let big = 0;
    for (let k = 0, p = from; k < count; k++, p += stride)
      big = Math.max(big, Math.hypot(re[p], im[p]));
    if (kind === 'max' || big === 0 || !Number.isFinite(big)) return big;
    let ss = 0;
    for (let k = 0, p = from; k < count; k++, p += stride)
      ss += (re[p] / big) ** 2 + (im[p] / big) ** 2;
    return big * Math.sqrt(ss);
  };
  const sfmin1 = SAFMIN / ULP;
  const sfmax1 = 1 / sfmin1;
  const sfmin2 = sfmin1 * 2;
  const sfmax2 = 1 / sfmin2;
  for (let noconv = true; noconv; ) {
    noconv = false;
    for (let i = lo; i <= hi; i++) {
      let c = norm(lo * n + i, hi - lo + 1, n, 'l2');
      let r = norm(i * n + lo, hi - lo + 1, 1, 'l2');
      let ca = norm(i, hi + 1, n, 'max');
      let ra = norm(i * n + lo, n - lo, 1, 'max');
      if (c === 0 || r === 0) continue;
      // Non-finite input would never settle; the caller screens it, this only keeps us from spinning.
      if (!Number.isFinite(c + ca + r + ra))
        throw new EigConvergenceError('eig: input is not finite');
      let g = r / 2;
      let f = 1;
      const s = c + r;
      while (c < g && Math.max(f, c, ca) < sfmax2 && Math.min(r, g, ra) > sfmin2) {
        [f, c, ca, r, g, ra] = [f * 2, c * 2, ca * 2, r / 2, g / 2, ra / 2];
      }
      g = c / 2;
      while (g >= r && Math.max(r, ra) < sfmax2 && Math.min(f, c, g, ca) > sfmin2) {
        [f, c, g, ca, r, ra] = [f / 2, c / 2, g / 2, ca / 2, r * 2, ra * 2];
      }
      if (c + r >= 0.95 * s) continue;
      if (f < 1 && scale[i] < 1 && f * scale[i] <= sfmin1) continue;
      if (f > 1 && scale[i] > 1 && scale[i] >= sfmax1 / f) continue;
      scale[i] *= f;
      noconv = true;
      for (const p of [re, im]) {
        for (let k = lo; k < n; k++) p[i * n + k] /= f;
        for (let k = 0; k <= hi; k++) p[k * n + i] *= f;
      }
    }
  }
  return { lo, hi, perm, scale };
}

/** gebak: rows of the eigenvectors (interleaved columns) back through the scaling and exchanges. */
function unbalance(v: Float64Array, n: number, { lo, hi, perm, scale }: Balance): void {
  if (lo !== hi)
    for (let i = lo; i <= hi; i++) for (let c = 0; c < 2 * n; c++) v[2 * i * n + c] *= scale[i];
  for (let k = 0; k < n; k++) {
    if (k >= lo && k <= hi) continue;
    const i = k < lo ? lo - 1 - k : k;
    const j = perm[i];
    for (let c = 0; c < 2 * n && j !== i; c++) {
      [v[2 * i * n + c], v[2 * j * n + c]] = [v[2 * j * n + c], v[2 * i * n + c]];
    }
  }
}

/**
 * larfg: the reflector I - tau u u^H, u = (1, v), that sends (alpha, x) = u[0..len) to (beta, 0)
 * with beta real and of the opposite sign to Re(alpha) (LAPACK's choice, and so its signs).
 * Overwrites u with (beta, v); tau = 0 (the identity) when x = 0 and alpha is real.
 */
function reflector(u: CVector, len: number): Complex {
  const [ar, ai] = [u.re[0], u.im[0]];
  let xnorm = 0;
  for (let k = 1; k < len; k++) xnorm = Math.hypot(xnorm, u.re[k], u.im[k]);
  if (xnorm === 0 && ai === 0) return [0, 0];
  const beta = -withSignOf(Math.hypot(ar, ai, xnorm), ar);
  const s = cdiv([1, 0], [ar - beta, ai]);
  for (let k = 1; k < len; k++) [u.re[k], u.im[k]] = cmul([u.re[k], u.im[k]], s);
  [u.re[0], u.im[0]] = [beta, 0];
  return [(beta - ar) / beta, -ai / beta];
}

/** a[r0 .. r0+len)[c0..c1] <- (I - tau u u^H) a. */
function reflectLeft(
  a: CMatrix,
  u: CVector,
  len: number,
  r0: number,
  c0: number,
  c1: number,
  tau: Complex,
) {
  const { n, re, im } = a;
  const { re: ur, im: ui } = u;
  const [tr, ti] = tau;
  for (let c = c0; c <= c1; c++) {
    let sr = 0;
    let si = 0;
    for (let k = 0, p = r0 * n + c; k < len; k++, p += n) {
      sr += ur[k] * re[p] + ui[k] * im[p];
      si += ur[k] * im[p] - ui[k] * re[p];
    }
    const xr = tr * sr - ti * si;
    const xi = tr * si + ti * sr;
    for (let k = 0, p = r0 * n + c; k < len; k++, p += n) {
      re[p] -= xr * ur[k] - xi * ui[k];
      im[p] -= xr * ui[k] + xi * ur[k];
    }
  }
}

/** a[r0..r1][c0 .. c0+len) <- a (I - tau u u^H). */
function reflectRight(
  a: CMatrix,
  u: CVector,
  len: number,
  c0: number,
  r0: number,
  r1: number,
  tau: Complex,
) {
  const { n, re, im } = a;
  const { re: ur, im: ui } = u;
  const [tr, ti] = tau;
  for (let r = r0; r <= r1; r++) {
    let sr = 0;
    let si = 0;
    for (let k = 0, p = r * n + c0; k < len; k++, p++) {
      sr += re[p] * ur[k] - im[p] * ui[k];
      si += re[p] * ui[k] + im[p] * ur[k];
    }
    const xr = tr * sr - ti * si;
    const xi = tr * si + ti * sr;
    for (let k = 0, p = r * n + c0; k < len; k++, p++) {
      re[p] -= xr * ur[k] + xi * ui[k];
      im[p] -= xi * ur[k] - xr * ui[k];
    }
  }
}

/**
 * gehd2: t <- Q^H t Q, upper Hessenberg, reflecting columns lo..hi-1 below their subdiagonal;
 * returns Q (orghr) when wanted. Below the subdiagonal t is left exactly zero.
 */
function hessenberg(t: CMatrix, lo: number, hi: number, wantQ: boolean): CMatrix | null {
  const { n, re, im } = t;
  const u = cvector(n);
  const taus: Complex[] = [];
  for (let i = lo; i < hi; i++) {
    const len = hi - i;
    for (let k = 0, p = (i + 1) * n + i; k < len; k++, p += n) [u.re[k], u.im[k]] = [re[p], im[p]];
    const tau = reflector(u, len);
    taus[i] = tau;
    // Keep v where the zeros go, as gehd2 does, for orghr to rebuild Q from.
    for (let k = 0, p = (i + 1) * n + i; k < len; k++, p += n) [re[p], im[p]] = [u.re[k], u.im[k]];
    [u.re[0], u.im[0]] = [1, 0];
    reflectRight(t, u, len, i + 1, 0, hi, tau);
    reflectLeft(t, u, len, i + 1, i + 1, n - 1, [tau[0], -tau[1]]);
  }
  let q: CMatrix | null = null;
  if (wantQ) {
    q = { n, re: new Float64Array(n * n), im: new Float64Array(n * n) };
    for (let k = 0; k < n; k++) q.re[k * n + k] = 1;
    // Q = H(lo) ... H(hi-1), applied last first so each touches only its trailing block.
    for (let i = hi - 1; i >= lo; i--) {
      const len = hi - i;
      for (let k = 1, p = (i + 2) * n + i; k < len; k++, p += n)
        [u.re[k], u.im[k]] = [re[p], im[p]];
      [u.re[0], u.im[0]] = [1, 0];
      reflectLeft(q, u, len, i + 1, i + 1, hi, taus[i]);
    }
  }
  for (let r = 2; r < n; r++) for (let c = 0; c < r - 1; c++) re[r * n + c] = im[r * n + c] = 0;
  return q;
}

/**
 * lahqr's deflation test (Ahues & Tisseur's, stricter than |h(k,k-1)| <= ulp(|h(k-1,k-1)| +
 * |h(k,k)|)): the largest k in l+1..i whose subdiagonal is negligible, else l.
 */
function splitPoint(
  t: CMatrix,
  lo: number,
  hi: number,
  l: number,
  i: number,
  smlnum: number,
): number {
  let k = i;
  for (; k > l; k--) {
    const sub = cabs1(at(t, k, k - 1));
    if (sub <= smlnum) break;
    let tst = cabs1(at(t, k - 1, k - 1)) + cabs1(at(t, k, k));
    if (tst === 0) {
      if (k - 2 >= lo) tst += cabs1(at(t, k - 1, k - 2));
      if (k + 1 <= hi) tst += cabs1(at(t, k + 1, k));
    }
    if (sub <= ULP * tst) {
      const sup = cabs1(at(t, k - 1, k));
      const [ab, ba] = [Math.max(sub, sup), Math.min(sub, sup)];
      const d1 = cabs1(at(t, k, k));
      const d2 = cabs1(csub(at(t, k - 1, k - 1), at(t, k, k)));
      const [aa, bb] = [Math.max(d1, d2), Math.min(d1, d2)];
      const s = aa + ab;
      if (ba * (ab / s) <= Math.max(smlnum, ULP * (bb * (aa / s)))) break;
    }
  }
  return k;
}

/**
 * dlahqr on the real Hessenberg t.re (t.im stays zero): Francis double-shift sweeps, deflating from
 * the bottom, each converged 2x2 block standardized (dlanv2) so complex pairs share a diagonal.
 * Accumulates into z when given; otherwise (eigenvalues only) updates just the active block.
 */
function realSchur(t: CMatrix, z: Float64Array | null, lo: number, hi: number): void {
  const { n } = t;
  const h = t.re;
  const nh = hi - lo + 1;
  const smlnum = SAFMIN * (nh / ULP);
  const itmax = 30 * Math.max(10, nh);
  const v = new Float64Array(3);
  for (let i = hi; i > lo; ) {
    let l = lo;
    for (let its = 0, kdefl = 1; ; its++, kdefl++) {
      if (its > itmax) throw new EigConvergenceError('eig: the QR algorithm did not converge');
      l = splitPoint(t, lo, hi, l, i, smlnum);
      if (l > lo) h[l * n + l - 1] = 0;
      if (l >= i - 1) break;
      const m = sweepStart(h, n, l, i, francisShifts(h, n, l, i, kdefl), v);
      francisSweep(h, z, n, l, m, i, v);
    }
    if (l === i - 1) standardizeBlock(h, z, n, i);
    i = l - 1;
  }
}

/** The shifts, as (re1, im1, re2, im2): the trailing 2x2's eigenvalues, or exceptional ones every 10 idle sweeps. */
function francisShifts(h: Float64Array, n: number, l: number, i: number, kdefl: number): number[] {
  let [h11, h12, h21, h22] = [
    h[(i - 1) * n + i - 1],
    h[(i - 1) * n + i],
    h[i * n + i - 1],
    h[i * n + i],
  ];
  if (kdefl % 10 === 0) {
    // Alternating ends, so that a cycle the standard shifts fall into gets broken one way or the other.
    const bottom = kdefl % 20 === 0;
    const s = bottom
      ? Math.abs(h[i * n + i - 1]) + Math.abs(h[(i - 1) * n + i - 2])
      : Math.abs(h[(l + 1) * n + l]) + Math.abs(h[(l + 2) * n + l + 1]);
    h11 = 0.75 * s + (bottom ? h[i * n + i] : h[l * n + l]);
    [h12, h21, h22] = [-0.4375 * s, s, h11];
  }
  const s = Math.abs(h11) + Math.abs(h12) + Math.abs(h21) + Math.abs(h22);
  if (s === 0) return [0, 0, 0, 0];
  [h11, h12, h21, h22] = [h11 / s, h12 / s, h21 / s, h22 / s];
  const tr = (h11 + h22) / 2;
  const det = (h11 - tr) * (h22 - tr) - h12 * h21;
  const rtdisc = Math.sqrt(Math.abs(det));
  if (det >= 0) return [tr * s, rtdisc * s, tr * s, -rtdisc * s];
  // Two real shifts: lahqr uses twice the one nearer h22.
  const near =
    Math.abs(tr + rtdisc - h22) <= Math.abs(tr - rtdisc - h22) ? tr + rtdisc : tr - rtdisc;
  return [near * s, 0, near * s, 0];
}

/** Where the sweep may start: the lowest m whose bulge leaves h(m,m-1) negligible. Sets v to the bulge. */
function sweepStart(
  h: Float64Array,
  n: number,
  l: number,
  i: number,
  shifts: number[],
  v: Float64Array,
): number {
  const [r1, i1, r2, i2] = shifts;
  let m = i - 2;
  for (; ; m--) {
    const hmm = h[m * n + m];
    let s = Math.abs(hmm - r2) + Math.abs(i2) + Math.abs(h[(m + 1) * n + m]);
    const h21s = h[(m + 1) * n + m] / s;
    v[0] = h21s * h[m * n + m + 1] + (hmm - r1) * ((hmm - r2) / s) - i1 * (i2 / s);
    v[1] = h21s * (hmm + h[(m + 1) * n + m + 1] - r1 - r2);
    v[2] = h21s * h[(m + 2) * n + m + 1];
    s = Math.abs(v[0]) + Math.abs(v[1]) + Math.abs(v[2]);
    for (let k = 0; k < 3; k++) v[k] /= s;
    if (m === l) return m;
    const h00 = Math.abs(h[(m - 1) * n + m - 1]) + Math.abs(hmm) + Math.abs(h[(m + 1) * n + m + 1]);
    if (
      Math.abs(h[m * n + m - 1]) * (Math.abs(v[1]) + Math.abs(v[2])) <=
      ULP * Math.abs(v[0]) * h00
    )
      return m;
  }
}

/** One implicit double-shift sweep from row m, chasing the bulge down to row i with 3-element reflectors. */
function francisSweep(
  h: Float64Array,
  z: Float64Array | null,
  n: number,
  l: number,
  m: number,
  i: number,
  v: Float64Array,
) {
  for (let k = m; k < i; k++) {
    const nr = Math.min(3, i - k + 1);
    if (k > m) for (let r = 0; r < nr; r++) v[r] = h[(k + r) * n + k - 1];
    const tau = realReflector(v, nr);
    if (k > m) {
      h[k * n + k - 1] = v[0];
      h[(k + 1) * n + k - 1] = 0;
      if (k < i - 1) h[(k + 2) * n + k - 1] = 0;
    } else if (m > l) h[k * n + k - 1] *= 1 - tau; // -h(k,k-1), kept finite if v underflowed
    const [v2, v3] = [v[1], nr === 3 ? v[2] : 0];
    const [t2, t3] = [tau * v2, tau * v3];
    for (let j = k; j <= (z ? n - 1 : i); j++) {
      const [p, q, r] = [k * n + j, (k + 1) * n + j, (k + 2) * n + j];
      const sum = h[p] + v2 * h[q] + (nr === 3 ? v3 * h[r] : 0);
      h[p] -= sum * tau;
      h[q] -= sum * t2;
      if (nr === 3) h[r] -= sum * t3;
    }
    const reflectColumns = (a: Float64Array, r0: number, r1: number) => {
      for (let j = r0; j <= r1; j++) {
        const p = j * n + k;
        const sum = a[p] + v2 * a[p + 1] + (nr === 3 ? v3 * a[p + 2] : 0);
        a[p] -= sum * tau;
        a[p + 1] -= sum * t2;
        if (nr === 3) a[p + 2] -= sum * t3;
      }
    };
    reflectColumns(h, z ? 0 : l, Math.min(k + 3, i));
    if (z) reflectColumns(z, 0, n - 1);
  }
}

/** dlarfg for a real 2- or 3-vector: overwrites v with (beta, v2, v3) and returns tau. */
function realReflector(v: Float64Array, nr: number): number {
  const xnorm = nr === 3 ? Math.hypot(v[1], v[2]) : Math.abs(v[1]);
  if (xnorm === 0) return 0;
  const beta = -withSignOf(Math.hypot(v[0], xnorm), v[0]);
  const s = 1 / (v[0] - beta);
  const tau = (beta - v[0]) / beta;
  for (let k = 1; k < nr; k++) v[k] *= s;
  v[0] = beta;
  return tau;
}

/** Standardizes the converged block at rows i-1..i (dlanv2) and rotates the rest of h and z to match. */
function standardizeBlock(h: Float64Array, z: Float64Array | null, n: number, i: number): void {
  const [p, q] = [(i - 1) * n + i - 1, i * n + i - 1];
  const [a, b, c, d, cs, sn] = lanv2(h[p], h[p + 1], h[q], h[q + 1]);
  [h[p], h[p + 1], h[q], h[q + 1]] = [a, b, c, d];
  if (!z) return;
  const rotate = (a: Float64Array, x: number, y: number) => {
    [a[x], a[y]] = [cs * a[x] + sn * a[y], cs * a[y] - sn * a[x]];
  };
  for (let j = i + 1; j < n; j++) rotate(h, (i - 1) * n + j, i * n + j);
  for (let j = 0; j < i - 1; j++) rotate(h, j * n + i - 1, j * n + i);
  for (let j = 0; j < n; j++) rotate(z, j * n + i - 1, j * n + i);
}

/**
 * dlanv2: [a b; c d] = [cs -sn; sn cs] [aa bb; cc dd] [cs sn; -sn cs] with cc = 0 when the
 * eigenvalues are real, else aa = dd and bb cc < 0. Returns [aa, bb, cc, dd, cs, sn].
 */
function lanv2(a: number, b: number, c: number, d: number): number[] {
  if (c === 0) return [a, b, c, d, 1, 0];
  if (b === 0) return [d, -c, 0, a, 0, 1];
  if (a - d === 0 && Math.sign(b) !== Math.sign(c)) return [a, b, c, d, 1, 0];
  const temp = a - d;
  let p = 0.5 * temp;
  const bcmax = Math.max(Math.abs(b), Math.abs(c));
  const bcmis = Math.min(Math.abs(b), Math.abs(c)) * Math.sign(b) * Math.sign(c);
  const scale = Math.max(Math.abs(p), bcmax);
  let z = (p / scale) * p + (bcmax / scale) * bcmis;
  if (z >= 4 * ULP) {
    // Real eigenvalues, well apart: triangularize.
    z = p + withSignOf(Math.sqrt(scale) * Math.sqrt(z), p);
    const tau = Math.hypot(c, z);
    return [d + z, b - c, 0, d - (bcmax / z) * bcmis, z / tau, c / tau];
  }
  // Complex or nearly equal eigenvalues: equalize the diagonal first.
  const sigma = b + c;
  const tau = Math.hypot(sigma, temp);
  let cs = Math.sqrt(0.5 * (1 + Math.abs(sigma) / tau));
  let sn = -(p / (tau * cs)) * withSignOf(1, sigma);
  const [aa, bb, cc, dd] = [a * cs + b * sn, -a * sn + b * cs, c * cs + d * sn, -c * sn + d * cs];
  [b, c] = [bb * cs + dd * sn, -aa * sn + cc * cs];
  a = d = 0.5 * (aa * cs + cc * sn + (-bb * sn + dd * cs));
  if (c !== 0 && b === 0) return [a, -c, 0, d, -sn, cs];
  if (c !== 0 && Math.sign(b) === Math.sign(c)) {
    // Real after all: split them.
    const [sab, sac] = [Math.sqrt(Math.abs(b)), Math.sqrt(Math.abs(c))];
    p = withSignOf(sab * sac, c);
    const t = 1 / Math.sqrt(Math.abs(b + c));
    const [cs1, sn1] = [sab * t, sac * t];
    [cs, sn] = [cs * cs1 - sn * sn1, cs * sn1 + sn * cs1];
    return [a + p, b - c, 0, d - p, cs, sn];
  }
  return [a, b, c, d, cs, sn];
}

/**
 * zlahqr on the complex Hessenberg t: single-shift sweeps with 2-element reflectors and
 * Wilkinson's shift (exceptional shifts every 10 idle sweeps), deflating from the bottom. Like
 * zlahqr it keeps the subdiagonal real by unit diagonal similarities, which its deflation test,
 * sweep start and (so) its eigenvalue order depend on.
 */
function complexSchur(t: CMatrix, z: CMatrix | null, lo: number, hi: number): void {
  const { n, re, im } = t;
  const nh = hi - lo + 1;
  const smlnum = SAFMIN * (nh / ULP);
  const itmax = 30 * Math.max(10, nh);
  const u = cvector(2);
  for (let i = lo + 1; i <= hi; i++) {
    const h = at(t, i, i - 1);
    if (h[1] === 0) continue;
    const m = Math.hypot(h[0], h[1]);
    [re[i * n + i - 1], im[i * n + i - 1]] = [m, 0];
    phaseShift(
      t,
      z,
      i,
      cscale(h, 1 / m),
      z ? 0 : lo,
      Math.min(z ? n - 1 : hi, i + 1),
      z ? n - 1 : hi,
    );
  }
  for (let i = hi; i > lo; ) {
    let l = lo;
    for (let its = 0, kdefl = 1; ; its++, kdefl++) {
      if (its > itmax) throw new EigConvergenceError('eig: the QR algorithm did not converge');
      l = splitPoint(t, lo, hi, l, i, smlnum);
      if (l > lo) re[l * n + l - 1] = im[l * n + l - 1] = 0;
      if (l >= i) break;
      const [r0, c1] = z ? [0, n - 1] : [l, i];
      const shift = complexShift(t, l, i, kdefl);
      const m = complexSweepStart(t, l, i, shift, u);
      for (let k = m; k < i; k++) {
        if (k > m)
          [u.re[0], u.im[0], u.re[1], u.im[1]] = [...at(t, k, k - 1), ...at(t, k + 1, k - 1)];
        const tau = reflector(u, 2);
        if (k > m) {
          [re[k * n + k - 1], im[k * n + k - 1]] = [u.re[0], u.im[0]];
          re[(k + 1) * n + k - 1] = im[(k + 1) * n + k - 1] = 0;
        }
        [u.re[0], u.im[0]] = [1, 0];
        reflectLeft(t, u, 2, k, k, c1, [tau[0], -tau[1]]);
        reflectRight(t, u, 2, k, r0, Math.min(k + 2, i), tau);
        if (z) reflectRight(z, u, 2, k, 0, n - 1, tau);
        if (k === m && m > l) {
          // The sweep left h(m,m-1) alone; rephase so that it, and the subdiagonal, stay real.
          const d = csub([1, 0], tau);
          const p = cscale(d, 1 / Math.hypot(d[0], d[1]));
          [re[(m + 1) * n + m], im[(m + 1) * n + m]] = cmul(at(t, m + 1, m), [p[0], -p[1]]);
          if (m + 2 <= i)
            [re[(m + 2) * n + m + 1], im[(m + 2) * n + m + 1]] = cmul(at(t, m + 2, m + 1), p);
          for (let j = m; j <= i; j++)
            if (j !== m + 1) phaseShift(t, z, j, [p[0], -p[1]], r0, j - 1, c1);
        }
      }
      const h = at(t, i, i - 1);
      if (h[1] !== 0) {
        const m = Math.hypot(h[0], h[1]);
        [re[i * n + i - 1], im[i * n + i - 1]] = [m, 0];
        phaseShift(t, z, i, cscale(h, 1 / m), r0, i - 1, c1);
      }
    }
    i = l - 1;
  }
}

/**
 * The unit diagonal similarity that multiplies index j by the phase p: column j (rows r0..r1, the
 * diagonal aside) by p, row j (columns j+1..c1) by conj(p), and column j of z by p.
 */
function phaseShift(
  t: CMatrix,
  z: CMatrix | null,
  j: number,
  p: Complex,
  r0: number,
  r1: number,
  c1: number,
) {
  const { n, re, im } = t;
  for (let r = r0; r <= r1; r++) if (r !== j) [re[r * n + j], im[r * n + j]] = cmul(at(t, r, j), p);
  for (let c = j + 1; c <= c1; c++)
    [re[j * n + c], im[j * n + c]] = cmul(at(t, j, c), [p[0], -p[1]]);
  if (z) for (let r = 0; r < n; r++) [z.re[r * n + j], z.im[r * n + j]] = cmul(at(z, r, j), p);
}

/** zlahqr's shift: the trailing 2x2's eigenvalue nearer h(i,i), or an exceptional one. */
function complexShift(t: CMatrix, l: number, i: number, kdefl: number): Complex {
  if (kdefl % 20 === 0) return cadd(at(t, i, i), [0.75 * Math.abs(t.re[i * t.n + i - 1]), 0]);
  if (kdefl % 10 === 0) return cadd(at(t, l, l), [0.75 * Math.abs(t.re[(l + 1) * t.n + l]), 0]);
  const hii = at(t, i, i);
  const u = cmul(csqrt(at(t, i - 1, i)), csqrt(at(t, i, i - 1)));
  let s = cabs1(u);
  if (s === 0) return hii;
  const x = cscale(csub(at(t, i - 1, i - 1), hii), 0.5);
  const sx = cabs1(x);
  s = Math.max(s, sx);
  const [xs, us] = [cscale(x, 1 / s), cscale(u, 1 / s)];
  let y = cscale(csqrt(cadd(cmul(xs, xs), cmul(us, us))), s);
  if (sx > 0 && (x[0] / sx) * y[0] + (x[1] / sx) * y[1] < 0) y = cscale(y, -1);
  return csub(hii, cmul(u, cdiv(u, cadd(x, y))));
}

/** Where the single-shift sweep may start: the lowest m whose first reflector leaves h(m,m-1) negligible. Sets u to its vector. */
function complexSweepStart(t: CMatrix, l: number, i: number, shift: Complex, u: CVector): number {
  const { n, re } = t;
  for (let m = i - 1; ; m--) {
    const [h11, h22] = [at(t, m, m), at(t, m + 1, m + 1)];
    let h11s = csub(h11, shift);
    let h21 = re[(m + 1) * n + m];
    const s = cabs1(h11s) + Math.abs(h21);
    [h11s, h21] = [cscale(h11s, 1 / s), h21 / s];
    [u.re[0], u.im[0], u.re[1], u.im[1]] = [h11s[0], h11s[1], h21, 0];
    if (m === l) return m;
    if (
      Math.abs(re[m * n + m - 1]) * Math.abs(h21) <=
      ULP * (cabs1(h11s) * (cabs1(h11) + cabs1(h22)))
    )
      return m;
  }
}

/**
 * trevc3: x (rows 0..ki) with T x = lambda x for the eigenvalue whose diagonal block ends at row
 * ki; for a real 2x2 block (pair) the one with positive imaginary part. x(ki) = 1 (or the pair's
 * fixed start), then each 1x1 or 2x2 diagonal block solved in turn, pivots below smin raised to
 * smin so that repeated and defective eigenvalues give finite, nearly parallel vectors as LAPACK's.
 */
function schurVector(t: CMatrix, ki: number, pair: boolean, x: CVector): void {
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
function backTransform(z: CMatrix, x: CVector, last: number, out: Float64Array, col: number): void {
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
function normalizeColumn(v: Float64Array, n: number, col: number, keepSign: boolean): void {
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
