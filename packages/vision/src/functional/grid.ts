import { type Tensor, ValueError } from '@tensile/tensor';
import {
  allocFloat,
  castOut,
  floatData,
  imageDims,
  roundHalfEven,
  workDtype,
} from '../tensor-util';
import { checkInterpolation } from './common';

export type Fill = number | readonly number[] | undefined;

/**
 * Source coordinates in grid_sample's normalised [-1, 1] space for each output pixel,
 * interleaved [x0, y0, x1, y1, ...] (oh * ow * 2), as torchvision's _gen_affine_grid and
 * _perspective_grid build them.
 */
export type Grid = Float64Array;

/** Rounds to float32 when the work is in float32, so that ties fall as in PyTorch. */
export type Round = (x: number) => number;

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
 * grid_sample(mode, padding_mode='zeros', align_corners=False) of `planes` planes h x w,
 * plus, when `mask` is given, the same sampling of an all-ones plane (torchvision's fill mask).
 */
function gridSample(
  src: ArrayLike<number>,
  planes: number,
  h: number,
  w: number,
  grid: Grid,
  oh: number,
  ow: number,
  mode: 'nearest' | 'bilinear',
  out: Float32Array | Float64Array,
  mask: Float64Array | undefined,
  fr: Round,
): void {
  const n = oh * ow;
  for (let q = 0; q < n; q++) {
    // ATen's vectorised unnormalize: (x + 1) * (size / 2) - 0.5.
    const ix = fr(fr(fr(grid[2 * q] + 1) * (w / 2)) - 0.5);
    const iy = fr(fr(fr(grid[2 * q + 1] + 1) * (h / 2)) - 0.5);
    if (mode === 'nearest') {
      // std::nearbyint: half to even.
      const x = roundHalfEven(ix);
      const y = roundHalfEven(iy);
      const inside = x >= 0 && x < w && y >= 0 && y < h;
      for (let p = 0; p < planes; p++) out[p * n + q] = inside ? src[p * h * w + y * w + x] : 0;
      if (mask) mask[q] = inside ? 1 : 0;
      continue;
    }
    const x0 = Math.floor(ix);
    const y0 = Math.floor(iy);
    const fx = fr(ix - x0);
    const fy = fr(iy - y0);
    const ex = fr(1 - fx);
    const sy = fr(1 - fy);
    const corners: [number, number, number][] = [
      [x0, y0, fr(sy * ex)],
      [x0 + 1, y0, fr(sy * fx)],
      [x0, y0 + 1, fr(fy * ex)],
      [x0 + 1, y0 + 1, fr(fy * fx)],
    ];
    let m = 0;
    for (const [x, y, wt] of corners) if (x >= 0 && x < w && y >= 0 && y < h) m = fr(m + wt);
    if (mask) mask[q] = m;
    for (let p = 0; p < planes; p++) {
      let acc = 0;
      const base = p * h * w;
      for (const [x, y, wt] of corners)
        if (x >= 0 && x < w && y >= 0 && y < h) acc = fr(acc + fr(wt * src[base + y * w + x]));
      out[p * n + q] = acc;
    }
  }
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
 * torchvision's _apply_grid_transform: samples every [C, H, W] plane group of `img` at `grid`,
 * then paints `fill` where the source was outside (nearest: mask < 0.5; bilinear: blended by
 * the sampled mask). Without fill the outside is zero.
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
  const { lead, c, h, w } = imageDims(img, op);
  const fills = fillValues(fill, c, op);
  const images = lead.reduce((a, b) => a * b, 1);
  const fr = rounderFor(workDtype(img.dtype));
  const src = floatData(img);
  const n = oh * ow;
  const out = allocFloat(workDtype(img.dtype), images * c * n);
  const mask = fills ? new Float64Array(n) : undefined;
  for (let i = 0; i < images; i++) {
    const plane = out.subarray(i * c * n, (i + 1) * c * n);
    gridSample(
      src.subarray(i * c * h * w, (i + 1) * c * h * w),
      c,
      h,
      w,
      grid,
      oh,
      ow,
      mode as 'nearest' | 'bilinear',
      plane,
      mask,
      fr,
    );
    if (!fills || !mask) continue;
    for (let p = 0; p < c; p++) {
      for (let q = 0; q < n; q++) {
        const k = p * n + q;
        if (mode === 'nearest') {
          if (mask[q] < 0.5) plane[k] = fills[p];
        } else plane[k] = fr(fr(plane[k] * mask[q]) + fr(fr(1 - mask[q]) * fills[p]));
      }
    }
  }
  return castOut(out, img.dtype, [...img.shape.slice(0, -2), oh, ow]);
}
