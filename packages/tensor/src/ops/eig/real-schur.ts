/**
 * dlahqr for the eig kernel: Francis double-shift QR sweeps that bring a real Hessenberg matrix to
 * quasi-triangular Schur form, with the 3-element reflectors (dlarfg) of the bulge chase and
 * dlanv2's standardization of each converged 2x2 block. Deflates by complex-schur.ts's splitPoint.
 */
import { type CMatrix, EigConvergenceError, SAFMIN, ULP, withSignOf } from './complex-math';
import { splitPoint } from './complex-schur';

/**
 * dlahqr on the real Hessenberg t.re (t.im stays zero): Francis double-shift sweeps, deflating from
 * the bottom, each converged 2x2 block standardized (dlanv2) so complex pairs share a diagonal.
 * Accumulates into z when given; otherwise (eigenvalues only) updates just the active block.
 */
export function realSchur(t: CMatrix, z: Float64Array | null, lo: number, hi: number): void {
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
