import { ValueError } from '@tensile/tensor';
import { getDimensions, type Img, type InterpolationMode, map } from './common';
import { affineGrid, applyGrid, type Fill, perspectiveGrid, rounderFor } from './grid';

const rad = (deg: number) => (deg * Math.PI) / 180;

/**
 * torchvision's _get_inverse_affine_matrix: the 2x3 matrix (row-major) of the inverse of
 * rotation by `angle` degrees and shear about `center`, scaling, then translation.
 */
export function inverseAffineMatrix(
  center: readonly [number, number],
  angle: number,
  translate: readonly [number, number],
  scale: number,
  shear: readonly [number, number],
): number[] {
  const rot = rad(angle);
  const sx = rad(shear[0]);
  const sy = rad(shear[1]);
  const [cx, cy] = center;
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0].map((x) => x / scale);
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
  m[2] += cx;
  m[5] += cy;
  return m;
}

/**
 * torchvision's _compute_affine_output_size (expand=True): the [w, h] that holds the whole
 * result. Computed in float32 as there: in float64, 30000 * 1e-4 is 3.0000000000000004 and a
 * quarter turn of a 6x8 image came out 8x7 (torchvision: 8x6).
 */
function affineOutputSize(m: readonly number[], w: number, h: number): [number, number] {
  const f = Math.fround;
  const t = m.map(f);
  const pts = [
    [-0.5 * w, -0.5 * h],
    [-0.5 * w, 0.5 * h],
    [0.5 * w, 0.5 * h],
    [0.5 * w, -0.5 * h],
  ];
  // pts @ theta.T, a float32 matmul (each product and sum rounded).
  const xs = pts.map(([x, y]) => f(f(f(f(x) * t[0]) + f(f(y) * t[1])) + t[2]));
  const ys = pts.map(([x, y]) => f(f(f(f(x) * t[3]) + f(f(y) * t[4])) + t[5]));
  // Truncated to 1e-4 so that ceil of 1e-15 noise is not 1.
  const tol = 1e-4;
  const snap = (v: number) => f(Math.trunc(f(v / tol)) * tol);
  const size = (vs: number[], half: number) =>
    Math.ceil(snap(f(Math.max(...vs) + half))) - Math.floor(snap(f(Math.min(...vs) + half)));
  return [size(xs, w * 0.5), size(ys, h * 0.5)];
}

export interface GridOptions {
  interpolation?: Exclude<InterpolationMode, 'bicubic'>;
  /** Value for pixels that come from outside the image: a number or one per channel. */
  fill?: Fill;
}

function centerOffset(img: Img, center: readonly number[] | undefined): [number, number] {
  if (center === undefined) return [0, 0];
  const [, h, w] = getDimensions(img);
  return [center[0] - w * 0.5, center[1] - h * 0.5];
}

/** torchvision's F.rotate: counter-clockwise by `angle` degrees about `center` (default the middle). */
export function rotate<T extends Img>(
  img: T,
  angle: number,
  opts: GridOptions & { expand?: boolean; center?: readonly [number, number] } = {},
): T {
  const matrix = inverseAffineMatrix(centerOffset(img, opts.center), -angle, [0, 0], 1, [0, 0]);
  return map(img, 'rotate', (t) => {
    const [, h, w] = getDimensions(t);
    const [ow, oh] = opts.expand ? affineOutputSize(matrix, w, h) : [w, h];
    const grid = affineGrid(matrix, w, h, ow, oh, rounderFor(t.dtype));
    return applyGrid(t, grid, [oh, ow], opts.interpolation ?? 'nearest', opts.fill, 'rotate');
  });
}

/** `shear` as torchvision takes it: a number (x only), [s] (both) or [sx, sy]. */
function parseShear(shear: number | readonly number[]): [number, number] {
  if (typeof shear === 'number') return [shear, 0];
  if (shear.length === 1) return [shear[0], shear[0]];
  if (shear.length === 2) return [shear[0], shear[1]];
  throw new ValueError(
    `affine: shear should be a sequence containing two values. Got [${shear.join(', ')}]`,
  );
}

/** torchvision's F.affine: rotation (degrees), translation (pixels), scale and shear (degrees). */
export function affine<T extends Img>(
  img: T,
  angle: number,
  translate: readonly [number, number],
  scale: number,
  shear: number | readonly number[],
  opts: GridOptions & { center?: readonly [number, number] } = {},
): T {
  if (translate.length !== 2)
    throw new ValueError('affine: argument translate should be a sequence of length 2');
  if (!(scale > 0)) throw new ValueError(`affine: argument scale should be positive, got ${scale}`);
  const matrix = inverseAffineMatrix(
    centerOffset(img, opts.center),
    angle,
    translate,
    scale,
    parseShear(shear),
  );
  return map(img, 'affine', (t) => {
    const [, h, w] = getDimensions(t);
    return applyGrid(
      t,
      affineGrid(matrix, w, h, w, h, rounderFor(t.dtype)),
      [h, w],
      opts.interpolation ?? 'nearest',
      opts.fill,
      'affine',
    );
  });
}

/** Solves the 8x8 system for PIL's perspective coefficients (Gaussian elimination, partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (m[pivot][col] === 0)
      throw new ValueError('perspective: the points are degenerate (singular system)');
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col];
      for (let k = col; k <= n; k++) m[r][k] -= f * m[col][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

export type Points = readonly (readonly [number, number])[];

/** torchvision's _get_perspective_coeffs: maps each end point back to its start point. */
export function perspectiveCoeffs(startpoints: Points, endpoints: Points): number[] {
  if (startpoints.length !== 4 || endpoints.length !== 4) {
    throw new ValueError(
      `perspective: expected 4 start and 4 end points, got ${startpoints.length} and ${endpoints.length}`,
    );
  }
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = endpoints[i];
    const [u, v] = startpoints[i];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(u, v);
  }
  return solve(a, b);
}

/** torchvision's F.perspective: the quadrilateral `startpoints` moves to `endpoints` ([x, y] each). */
export function perspective<T extends Img>(
  img: T,
  startpoints: Points,
  endpoints: Points,
  opts: GridOptions = {},
): T {
  const coeffs = perspectiveCoeffs(startpoints, endpoints);
  return map(img, 'perspective', (t) => {
    const [, h, w] = getDimensions(t);
    return applyGrid(
      t,
      perspectiveGrid(coeffs, w, h),
      [h, w],
      opts.interpolation ?? 'bilinear',
      opts.fill,
      'perspective',
    );
  });
}
