import { writeFileSync } from 'node:fs';
import {
  cat,
  DTypeError,
  full,
  isTensor,
  noGrad,
  stack,
  type Tensor,
  ValueError,
} from '@tensile/tensor';
import { toImage } from '../image';
import { encodeJpegImage, encodePngImage } from '../io/codecs';
import { describe, fmtShape } from '../tensor-util';

export interface MakeGridOptions {
  /** Images per row; default 8. */
  nrow?: number;
  /** Pixels between (and around) images; default 2. */
  padding?: number;
  /** Shift and scale to [0, 1] by valueRange, or else by the min and max of the images. */
  normalize?: boolean;
  valueRange?: readonly [number, number];
  /** Normalize each image by its own min and max. */
  scaleEach?: boolean;
  /** Value of the padding; default 0. */
  padValue?: number;
}

function toBatch(input: Tensor | readonly Tensor[]): Tensor {
  if (Array.isArray(input)) {
    input.forEach((t, i) => {
      if (!isTensor(t))
        throw new DTypeError(
          `makeGrid: tensor or list of tensors expected, got a list containing ${describe(t)} at ${i}`,
        );
    });
    return stack(input as Tensor[], 0);
  }
  if (!isTensor(input))
    throw new DTypeError(`makeGrid: tensor or list of tensors expected, got ${describe(input)}`);
  return input as Tensor;
}

/** [N, 3, H, W] (or [N, C, H, W] for C other than 1) from [H, W], [C, H, W] or [N, C, H, W]. */
function asRgbBatch(t: Tensor): Tensor {
  if (t.ndim === 2) t = t.unsqueeze(0);
  if (t.ndim === 3) {
    if (t.shape[0] === 1) t = cat([t, t, t], 0);
    t = t.unsqueeze(0);
  }
  if (t.ndim !== 4)
    throw new ValueError(`makeGrid: expected 2, 3 or 4 dimensions, got shape ${fmtShape(t.shape)}`);
  if (t.shape[1] === 1) t = cat([t, t, t], 1);
  return t;
}

/** torchvision's norm_ip: clamp to [low, high], then scale to [0, 1]. */
function normRange(t: Tensor, range: readonly [number, number] | undefined): Tensor {
  const [low, high] = range ?? [t.min().item(), t.max().item()];
  return t
    .clamp(low, high)
    .sub(low)
    .div(Math.max(high - low, 1e-5));
}

/**
 * torchvision.utils.make_grid: images [N, C, H, W] (or a list of [C, H, W]) tiled `nrow` per
 * row with `padding` pixels around each; one-channel images become RGB. A single image is
 * returned as it is. 3 images 32x32 with padding 2 give [3, 36, 104].
 */
export function makeGrid(input: Tensor | readonly Tensor[], opts: MakeGridOptions = {}): Tensor {
  return noGrad(() => {
    const { nrow = 8, padding = 2, padValue = 0 } = opts;
    let t = asRgbBatch(toBatch(input));
    if (opts.normalize) {
      t = opts.scaleEach
        ? stack(
            t.unbind(0).map((x) => normRange(x, opts.valueRange)),
            0,
          )
        : normRange(t, opts.valueRange);
    }
    if (t.shape[0] === 1) return t.squeeze(0);
    const [n, c, h, w] = t.shape;
    const xmaps = Math.min(nrow, n);
    const ymaps = Math.ceil(n / xmaps);
    const [cellH, cellW] = [h + padding, w + padding];
    const grid = full([c, cellH * ymaps + padding, cellW * xmaps + padding], padValue, {
      dtype: t.dtype,
    });
    for (let k = 0; k < n; k++) {
      const [y, x] = [Math.floor(k / xmaps), k % xmaps];
      grid
        .narrow(1, y * cellH + padding, h)
        .narrow(2, x * cellW + padding, w)
        .copy_(t.select(0, k));
    }
    return grid;
  });
}

/**
 * torchvision.utils.save_image: makeGrid, then scaled to uint8 (`x * 255 + 0.5`, clamped) and
 * written as PNG, or JPEG when `path` ends in .jpg/.jpeg (or `format` says so).
 */
export function saveImage(
  input: Tensor | readonly Tensor[],
  path: string,
  opts: MakeGridOptions & { format?: 'png' | 'jpeg' } = {},
): void {
  const grid = makeGrid(input, opts);
  const u8 = grid.mul(255).add(0.5).clamp(0, 255).to('uint8');
  const img = toImage(u8);
  const format = opts.format ?? (/\.jpe?g$/i.test(path) ? 'jpeg' : 'png');
  writeFileSync(path, format === 'jpeg' ? encodeJpegImage(img) : encodePngImage(img));
}
