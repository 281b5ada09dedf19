import { type Tensor, ValueError } from '@tensile/tensor';
import { allocArray, fromTyped, imageDims } from '../tensor-util';
import { type Img, map } from './common';

export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

/** [left, top, right, bottom] from an int, [all], [left/right, top/bottom] or [l, t, r, b]. */
export function parsePadding(
  padding: number | readonly number[],
): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding] : padding;
  if (!p.every(Number.isInteger))
    throw new ValueError(`pad: padding must be integers, got [${p.join(', ')}]`);
  if (p.length === 1) return [p[0], p[0], p[0], p[0]];
  if (p.length === 2) return [p[0], p[1], p[0], p[1]];
  if (p.length === 4) return [p[0], p[1], p[2], p[3]];
  throw new ValueError(
    `pad: padding must be an int or a 1, 2, or 4 element list, not a ${p.length} element list`,
  );
}

/** The source index for output position i - pad along an axis of size n, or -1 for the fill. */
function sourceIndex(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant':
      return -1;
    case 'edge':
      return i < 0 ? 0 : n - 1;
    case 'reflect':
      return i < 0 ? -i : 2 * (n - 1) - i;
    case 'symmetric':
      return i < 0 ? -i - 1 : 2 * n - 1 - i;
  }
}

function checkPadSize(mode: PaddingMode, [l, t, r, b]: number[], h: number, w: number): void {
  const limit =
    mode === 'reflect' ? (n: number) => n - 1 : mode === 'symmetric' ? (n: number) => n : undefined;
  if (!limit) return;
  if (Math.max(l, r) > limit(w) || Math.max(t, b) > limit(h)) {
    throw new ValueError(
      `pad: padding [${[l, t, r, b].join(', ')}] in ${mode} mode must be at most ${mode === 'reflect' ? 'the dimension size - 1' : 'the dimension size'} of the input of size [${h}, ${w}]`,
    );
  }
}

/** Pads [..., H, W] (negative padding crops first, as torchvision's symmetric padding does). */
export function padTensor(
  img: Tensor,
  padding: [number, number, number, number],
  fill: number,
  mode: PaddingMode,
): Tensor {
  if (padding.some((p) => p < 0)) {
    const [l, t, r, b] = padding.map((p) => Math.max(-p, 0));
    const { h, w } = imageDims(img, 'pad');
    img = img.slice(-2, t, h - b).slice(-1, l, w - r);
    padding = padding.map((p) => Math.max(p, 0)) as [number, number, number, number];
  }
  const { lead, c, h, w } = imageDims(img, 'pad');
  const [l, t, r, b] = padding;
  checkPadSize(mode, padding, h, w);
  const oh = h + t + b;
  const ow = w + l + r;
  const planes = lead.reduce((a, x) => a * x, 1) * c;
  const src = img.contiguous().dataSync();
  const out = allocArray(img.dtype, planes * oh * ow);
  const xs = Int32Array.from({ length: ow }, (_, x) => sourceIndex(x - l, w, mode));
  const ys = Int32Array.from({ length: oh }, (_, y) => sourceIndex(y - t, h, mode));
  const fillValue = img.dtype === 'uint8' ? Math.trunc(fill) & 255 : fill;
  for (let p = 0; p < planes; p++) {
    const s = p * h * w;
    const d = p * oh * ow;
    for (let y = 0; y < oh; y++) {
      const sy = ys[y];
      for (let x = 0; x < ow; x++) {
        const sx = xs[x];
        out[d + y * ow + x] = sy < 0 || sx < 0 ? fillValue : src[s + sy * w + sx];
      }
    }
  }
  return fromTyped(out, img.dtype, [...img.shape.slice(0, -2), oh, ow]);
}

/** torchvision's F.pad: padding as [left, top, right, bottom] (or shorter forms), fill for 'constant'. */
export function pad<T extends Img>(
  img: T,
  padding: number | readonly number[],
  opts: { fill?: number; paddingMode?: PaddingMode } = {},
): T {
  const mode = opts.paddingMode ?? 'constant';
  if (!['constant', 'edge', 'reflect', 'symmetric'].includes(mode)) {
    throw new ValueError(
      `pad: padding mode should be either constant, edge, reflect or symmetric, got '${mode}'`,
    );
  }
  const p = parsePadding(padding);
  return map(img, 'pad', (t) => padTensor(t, p, opts.fill ?? 0, mode));
}
