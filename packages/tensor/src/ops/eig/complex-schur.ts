/**
 * zlahqr for the eig kernel: Wilkinson single-shift QR sweeps that bring a complex Hessenberg
 * matrix to triangular Schur form, keeping its subdiagonal real as zlahqr does; and lahqr's
 * deflation test (splitPoint), which the real double-shift iteration (real-schur.ts) shares.
 */
import {
  at,
  type CMatrix,
  type Complex,
  type CVector,
  cabs1,
  cadd,
  cdiv,
  cmul,
  cscale,
  csqrt,
  csub,
  cvector,
  EigConvergenceError,
  SAFMIN,
  ULP,
} from './complex-math';
import { reflectLeft, reflector, reflectRight } from './reduce';

/**
 * lahqr's deflation test (Ahues & Tisseur's, stricter than |h(k,k-1)| <= ulp(|h(k-1,k-1)| +
 * |h(k,k)|)): the largest k in l+1..i whose subdiagonal is negligible, else l.
 */
export function splitPoint(
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
 * zlahqr on the complex Hessenberg t: single-shift sweeps with 2-element reflectors and
 * Wilkinson's shift (exceptional shifts every 10 idle sweeps), deflating from the bottom. Like
 * zlahqr it keeps the subdiagonal real by unit diagonal similarities, which its deflation test,
 * sweep start and (so) its eigenvalue order depend on.
 */
export function complexSchur(t: CMatrix, z: CMatrix | null, lo: number, hi: number): void {
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
