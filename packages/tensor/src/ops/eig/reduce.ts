/**
 * The eig kernel's reductions around the QR iteration: balancing (gebal) and undoing it on the
 * eigenvectors (gebak), and Householder reduction to upper Hessenberg form (gehd2) with its Q
 * accumulated (orghr). The complex reflectors (larfg, larf) are here too and shared with the
 * complex Schur iteration (complex-schur.ts), which chases its bulge with 2-element ones.
 */
import {
  type CMatrix,
  type Complex,
  type CVector,
  cdiv,
  cmul,
  cvector,
  EigConvergenceError,
  SAFMIN,
  ULP,
  withSignOf,
} from './complex-math';

/** gebal's outcome: the active block lo..hi, the row/column exchanges, and the diagonal scaling. */
export interface Balance {
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
export function balance(t: CMatrix): Balance {
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
export function unbalance(v: Float64Array, n: number, { lo, hi, perm, scale }: Balance): void {
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
export function reflector(u: CVector, len: number): Complex {
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
export function reflectLeft(
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
export function reflectRight(
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
export function hessenberg(t: CMatrix, lo: number, hi: number, wantQ: boolean): CMatrix | null {
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
