import { F } from '@tensile/nn';
import { type DType, isFloating, type Tensor, ValueError } from '@tensile/tensor';
import { imageDims, upload } from '../tensor-util';
import { type Img, map, perPlane } from './common';

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

/** The source of position i of an axis of size n mirrored with its edge (symmetric padding). */
function mirror(i: number, n: number): number {
  return i < 0 ? -i - 1 : i >= n ? 2 * n - 1 - i : i;
}

/**
 * torchvision's _pad_symmetric, which nn's pad has no mode for: both axes gathered at mirrored
 * indices.
 */
function padSymmetric(img: Tensor, [l, t, r, b]: number[], h: number, w: number): Tensor {
  const along = (n: number, before: number, after: number) =>
    upload(
      Array.from({ length: n + before + after }, (_, i) => mirror(i - before, n)),
      'int64',
      img.device,
    );
  return img.indexSelect(-1, along(w, l, r)).indexSelect(-2, along(h, t, b));
}

/** The fill as the image's dtype stores it: integers truncated, uint8 wrapped as a C cast. */
function fillFor(dtype: DType, fill: number): number {
  if (isFloating(dtype)) return fill;
  return dtype === 'uint8' ? Math.trunc(fill) & 255 : Math.trunc(fill);
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
  const { h, w } = imageDims(img, 'pad');
  checkPadSize(mode, padding, h, w);
  if (mode === 'symmetric') return padSymmetric(img, padding, h, w);
  const [l, t, r, b] = padding;
  if (mode === 'constant') return F.pad(img, [l, r, t, b], { value: fillFor(img.dtype, fill) });
  // nn's non-constant modes take [N, C, H, W]; 'edge' is its 'replicate'.
  const nnMode = mode === 'edge' ? 'replicate' : 'reflect';
  return perPlane(img, (planes) => F.pad(planes, [l, r, t, b], { mode: nnMode }));
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
