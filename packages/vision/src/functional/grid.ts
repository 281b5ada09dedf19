import { F } from '@tensile/nn';
import { cat, type Tensor, ValueError, where, zeros } from '@tensile/tensor';
import { imageDims, roundHalfEven, upload } from '../tensor-util';
import { checkInterpolation, fromFloat, toFloat } from './common';

export type Fill = number | readonly number[] | undefined;

/**
 * Source coordinates in grid_sample's normalised [-1, 1] space for each output pixel,
 * interleaved [x0, y0, x1, y1, ...] (oh * ow * 2), as torchvision's _gen_affine_grid and
 * _perspective_grid build them.
 */
export type Grid = Float64Array;

/** Rounds to float32 when the work is in float32, so that ties fall as in PyTorch. */
export type Round = (x: number) => number;

/** The rounding of an image's float work: float64 images work in float64, all others in float32. */
export function rounderFor(dtype: string): Round {
  return dtype === 'float64' ? (x) => x : Math.fround;
}

/**
 * torchvision's _gen_affine_grid: `theta` (2x3, row-major) maps output pixels (centred) to
 * input. Computed with PyTorch's float32 roundings (theta, theta / (size / 2), the 3-term bmm).
 */
export function affineGrid(
  theta: readonly number[],
  w: number,
  h: number,
  ow: number,
  oh: number,
  fr: Round = Math.fround,
): Grid {
  const grid = new Float64Array(oh * ow * 2);
  const [a, b, c, d, e, f] = theta.map(fr);
  const sx = fr(0.5 * w);
  const sy = fr(0.5 * h);
  const [ra, rb, rc] = [fr(a / sx), fr(b / sx), fr(c / sx)];
  const [rd, re, rf] = [fr(d / sy), fr(e / sy), fr(f / sy)];
  for (let y = 0; y < oh; y++) {
    const by = -oh * 0.5 + 0.5 + y;
    for (let x = 0; x < ow; x++) {
      const bx = -ow * 0.5 + 0.5 + x;
      const k = 2 * (y * ow + x);
      grid[k] = fr(fr(fr(bx * ra) + fr(by * rb)) + rc);
      grid[k + 1] = fr(fr(fr(bx * rd) + fr(by * re)) + rf);
    }
  }
  return grid;
}

/** torchvision's _perspective_grid for PIL-style coefficients (output pixel -> input pixel). */
export function perspectiveGrid(coeffs: readonly number[], ow: number, oh: number): Grid {
  const grid = new Float64Array(oh * ow * 2);
  const [a, b, c, d, e, f, g, h] = coeffs;
  for (let y = 0; y < oh; y++) {
    const by = y + 0.5;
    for (let x = 0; x < ow; x++) {
      const bx = x + 0.5;
      const den = g * bx + h * by + 1;
      const k = 2 * (y * ow + x);
      grid[k] = (a * bx + b * by + c) / (0.5 * ow) / den - 1;
      grid[k + 1] = (d * bx + e * by + f) / (0.5 * oh) / den - 1;
    }
  }
  return grid;
}

/**
 * grid_sample(mode, padding_mode='zeros', align_corners=False) as taps over the flattened
 * h * w plane, where index h * w is a zero appended for sources outside the image; and the
 * same sampling of an all-ones plane (torchvision's fill mask).
 */
function gridTaps(
  grid: Grid,
  h: number,
  w: number,
  mode: 'nearest' | 'bilinear',
  fr: Round,
): { taps: F.ResampleTaps; mask: Float64Array } {
  const n = grid.length / 2;
  const outside = h * w;
  const corners = mode === 'nearest' ? 1 : 4;
  const index = Array.from({ length: corners }, () => new Int32Array(n));
  const weight = Array.from({ length: corners }, () => new Float64Array(n));
  const mask = new Float64Array(n);
  const at = (x: number, y: number) => (x >= 0 && x < w && y >= 0 && y < h ? y * w + x : outside);
  for (let q = 0; q < n; q++) {
    // ATen's vectorised unnormalize: (x + 1) * (size / 2) - 0.5.
    const ix = fr(fr(fr(grid[2 * q] + 1) * (w / 2)) - 0.5);
    const iy = fr(fr(fr(grid[2 * q + 1] + 1) * (h / 2)) - 0.5);
    if (mode === 'nearest') {
      // std::nearbyint: half to even.
      index[0][q] = at(roundHalfEven(ix), roundHalfEven(iy));
      mask[q] = index[0][q] === outside ? 0 : 1;
      continue;
    }
    const x0 = Math.floor(ix);
    const y0 = Math.floor(iy);
    const fx = fr(ix - x0);
    const fy = fr(iy - y0);
    const ex = fr(1 - fx);
    const sy = fr(1 - fy);
    // Corners nw, ne, sw, se, in ATen's order of summation.
    index[0][q] = at(x0, y0);
    index[1][q] = at(x0 + 1, y0);
    index[2][q] = at(x0, y0 + 1);
    index[3][q] = at(x0 + 1, y0 + 1);
    weight[0][q] = fr(sy * ex);
    weight[1][q] = fr(sy * fx);
    weight[2][q] = fr(fy * ex);
    weight[3][q] = fr(fy * fx);
    let m = 0;
    for (let k = 0; k < 4; k++) if (index[k][q] !== outside) m = fr(m + weight[k][q]);
    mask[q] = m;
  }
  return { taps: { index, weight: mode === 'nearest' ? null : weight }, mask };
}

function fillValues(fill: Fill, c: number, op: string): number[] | undefined {
  if (fill === undefined) return undefined;
  const list = typeof fill === 'number' ? [fill] : [...fill];
  if (list.length > 1 && list.length !== c) {
    throw new ValueError(
      `${op}: the number of elements in 'fill' cannot broadcast to match the number of channels of the image (${list.length} != ${c})`,
    );
  }
  return list.length === 1 ? new Array(c).fill(list[0]) : list;
}

/**
 * Paints `fills` (one per channel) over `out` [..., C, n] where the source was outside:
 * nearest where the mask is below 0.5, bilinear as torchvision's img * mask + (1 - mask) * fill,
 * whose second term depends on the geometry only.
 */
function paintFill(
  out: Tensor,
  fills: number[],
  mask: Float64Array,
  mode: 'nearest' | 'bilinear',
  fr: Round,
): Tensor {
  const { dtype, device } = out;
  const c = fills.length;
  const n = mask.length;
  if (mode === 'nearest') {
    const outside = upload(mask, dtype, device).lt(0.5);
    return where(outside, upload(fills, dtype, device).reshape([c, 1]), out);
  }
  const rest = new Float64Array(c * n);
  for (let p = 0; p < c; p++)
    for (let q = 0; q < n; q++) rest[p * n + q] = fr(fr(1 - mask[q]) * fills[p]);
  return out.mul(upload(mask, dtype, device)).add(upload(rest, dtype, device).reshape([c, n]));
}

/**
 * torchvision's _apply_grid_transform: samples every [C, H, W] plane group of `img` at `grid`,
 * then paints `fill` where the source was outside. Without fill the outside is zero. Tensor ops
 * on the image's device, with its gradient; the grid is a constant, as in torchvision.
 */
export function applyGrid(
  img: Tensor,
  grid: Grid,
  [oh, ow]: [number, number],
  mode: string,
  fill: Fill,
  op: string,
): Tensor {
  checkInterpolation(op, mode, ['nearest', 'bilinear']);
  const { c, h, w } = imageDims(img, op);
  const fills = fillValues(fill, c, op);
  const x = toFloat(img);
  const fr = rounderFor(x.dtype);
  const { taps, mask } = gridTaps(grid, h, w, mode as 'nearest' | 'bilinear', fr);
  const flat = x.reshape([...x.shape.slice(0, -2), h * w]);
  const zero = zeros([...flat.shape.slice(0, -1), 1], { dtype: x.dtype, device: x.device });
  let out = F.resampleAlong(cat([flat, zero], -1), -1, taps);
  if (fills) out = paintFill(out, fills, mask, mode as 'nearest' | 'bilinear', fr);
  return fromFloat(out.reshape([...x.shape.slice(0, -2), oh, ow]), img.dtype);
}
