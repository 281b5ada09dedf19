/**
 * The two primitives that convolution, pooling, unfold and fold are built from. im2col copies
 * every kernel window of a padded image into a column; col2im adds the columns back onto the
 * image (overlapping windows sum). Each is the other's derivative, and both are a handful of
 * strided copies over the Backend contract, so every backend gets them for free.
 */
import type { View, WindowGeometry } from '../backend';
import { apply } from '../dispatch';
import { fmtShape, ShapeError, ValueError } from '../errors';
import { contiguousStrides, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { wrapStorage } from '../tensor-base';

/** A size per spatial dim: [height, width]. */
export type Pair = readonly [number, number];

/**
 * The window geometry of im2col and col2im, as torch.nn.functional.unfold takes it; each defaults
 * to the identity (dilation and stride 1, padding 0).
 */
export interface Im2colOptions {
  dilation?: Pair;
  /** Implicit padding on the top/left (and the bottom/right, unless outputSize asks for more). */
  padding?: Pair;
  stride?: Pair;
  /** Windows along H and W; the default is the floor rule. Pooling's ceilMode asks for more. */
  outputSize?: Pair;
  /** The value of padded positions (max pooling pads with -Infinity). */
  padValue?: number;
}

interface Geometry extends WindowGeometry {
  kernel: Pair;
  dilation: Pair;
  padding: Pair;
  stride: Pair;
  out: Pair;
  /** Size of the padded image: large enough for every window. */
  padded: Pair;
}

/** The resolved window settings an op records (every default filled in). */
export function windowAttrs(g: WindowGeometry) {
  return { stride: g.stride, padding: g.padding, dilation: g.dilation, outputSize: g.out };
}

export function geometry(op: string, input: Shape, kernel: Pair, opts: Im2colOptions): Geometry {
  const [n, c, h, w] = input;
  const dilation = opts.dilation ?? [1, 1];
  const padding = opts.padding ?? [0, 0];
  const stride = opts.stride ?? [1, 1];
  const checks: [string, Pair, number][] = [
    ['kernel size', kernel, 1],
    ['dilation', dilation, 1],
    ['stride', stride, 1],
    ['padding', padding, 0],
  ];
  for (const [what, v, min] of checks) {
    if (v.length !== 2 || v.some((x) => !Number.isInteger(x) || x < min))
      throw new ValueError(
        `${op}: ${what} should be ${min === 0 ? 'non-negative' : 'greater than zero'} integers, but got ${fmtShape(v)}`,
      );
  }
  const span = (i: number) => dilation[i] * (kernel[i] - 1) + 1;
  const floorOut = (size: number, i: number) =>
    Math.floor((size + 2 * padding[i] - span(i)) / stride[i]) + 1;
  const out: Pair = opts.outputSize ?? [floorOut(h, 0), floorOut(w, 1)];
  if (out[0] < 1 || out[1] < 1) {
    throw new ShapeError(
      `${op}: given input with spatial size (${h}, ${w}), kernel_size ${fmtShape(kernel)}, dilation ${fmtShape(dilation)}, padding ${fmtShape(padding)}, calculated shape of the array of sliding blocks as (${out[0]}, ${out[1]}), but its components must be at least one.`,
    );
  }
  const need = (size: number, i: number) =>
    Math.max(size + 2 * padding[i], (out[i] - 1) * stride[i] + span(i));
  return { n, c, h, w, kernel, dilation, padding, stride, out, padded: [need(h, 0), need(w, 1)] };
}

/** A strided window on a storage (the Backend's View), without a Tensor around it. */
function viewOf(base: View, shape: Shape, strides: Shape, offset: number): View {
  return { storage: base.storage, dtype: base.dtype, shape, strides, offset };
}

/** The image's [N, C, H, W] region inside the padded buffer. */
function interior(buf: View, g: Geometry): View {
  const [ph, pw] = g.padded;
  return viewOf(
    buf,
    [g.n, g.c, g.h, g.w],
    [g.c * ph * pw, ph * pw, pw, 1],
    g.padding[0] * pw + g.padding[1],
  );
}

/**
 * The windows of the padded buffer as [C, kh, kw, N, oh, ow] (kernel position outermost after
 * the channel): this order makes the column matrix [C*kh*kw, N*oh*ow], so a convolution over a
 * whole batch is one matrix product.
 */
function windows(buf: View, g: Geometry, ki?: number, kj?: number): View {
  const [ph, pw] = g.padded;
  const img = ph * pw;
  const strides = [
    img,
    g.dilation[0] * pw,
    g.dilation[1],
    g.c * img,
    g.stride[0] * pw,
    g.stride[1],
  ];
  const shape = [g.c, g.kernel[0], g.kernel[1], g.n, g.out[0], g.out[1]];
  if (ki === undefined || kj === undefined) return viewOf(buf, shape, strides, 0);
  const offset = ki * strides[1] + kj * strides[2];
  return viewOf(
    buf,
    [g.c, g.n, g.out[0], g.out[1]],
    [strides[0], strides[3], strides[4], strides[5]],
    offset,
  );
}

export function checkImage(op: string, x: Tensor): void {
  if (x.ndim !== 4)
    throw new ShapeError(
      `${op}: expected a 4-D [N, C, H, W] input, but got input of size ${fmtShape(x.shape)}`,
    );
}

/**
 * Every kernel window of x [N, C, H, W] as the columns of a [C*kh*kw, N*oh*ow] matrix (rows in
 * (channel, kernel row, kernel column) order, columns in (batch, out row, out column) order).
 */
export function im2col(x: Tensor, kernelSize: Pair, opts: Im2colOptions = {}): Tensor {
  checkImage('im2col', x);
  const g = geometry('im2col', x.shape, kernelSize, opts);
  const rows = g.c * g.kernel[0] * g.kernel[1];
  const cols = g.n * g.out[0] * g.out[1];
  const padValue = opts.padValue ?? 0;
  const attrs = { kernelSize, ...windowAttrs(g), padValue, inputShape: x.shape };
  return apply('im2col', [x], attrs, () => {
    const be = x.storage.backend;
    if (be.im2col) return wrapStorage(be.im2col(x, g, opts.padValue ?? 0), [rows, cols]);
    const size = g.n * g.c * g.padded[0] * g.padded[1];
    const same = size === x.numel() && x.isContiguous() && x.offset === 0;
    let buf: View = x;
    if (!same) {
      const storage = be.alloc(x.dtype, size);
      buf = viewOf({ storage, dtype: x.dtype, shape: [], strides: [], offset: 0 }, [size], [1], 0);
      if (opts.padValue) be.fill(buf, opts.padValue);
      be.write(interior(buf, g), x);
    }
    return wrapStorage(be.copy(windows(buf, g), x.dtype), [rows, cols]);
  });
}

/**
 * The adjoint of im2col: adds each column of cols [C*kh*kw, N*oh*ow] back onto its window of a
 * zero image of `outputShape` [N, C, H, W].
 */
export function col2im(
  cols: Tensor,
  outputShape: Shape,
  kernelSize: Pair,
  opts: Im2colOptions = {},
): Tensor {
  if (outputShape.length !== 4)
    throw new ShapeError(
      `col2im: expected a 4-D [N, C, H, W] output shape, but got ${fmtShape(outputShape)}`,
    );
  const g = geometry('col2im', outputShape, kernelSize, opts);
  const want = [g.c * g.kernel[0] * g.kernel[1], g.n * g.out[0] * g.out[1]];
  if (cols.ndim !== 2 || cols.shape[0] !== want[0] || cols.shape[1] !== want[1]) {
    throw new ShapeError(
      `col2im: expected columns of size ${fmtShape(want)} for output ${fmtShape(outputShape)} and kernel ${fmtShape(kernelSize)}, but got ${fmtShape(cols.shape)}`,
    );
  }
  const attrs = { kernelSize, ...windowAttrs(g), outputShape };
  return apply('col2im', [cols], attrs, () => {
    const be = cols.storage.backend;
    if (be.col2im) return wrapStorage(be.col2im(cols, g), outputShape);
    const size = g.n * g.c * g.padded[0] * g.padded[1];
    const storage = be.alloc(cols.dtype, size);
    const buf = viewOf(
      { storage, dtype: cols.dtype, shape: [], strides: [], offset: 0 },
      [size],
      [1],
      0,
    );
    const st = colStrides(cols, g);
    for (let i = 0; i < g.kernel[0]; i++) {
      for (let j = 0; j < g.kernel[1]; j++) {
        const dst = windows(buf, g, i, j);
        const src = viewOf(
          cols,
          dst.shape,
          [st[0], st[3], st[4], st[5]],
          cols.offset + i * st[1] + j * st[2],
        );
        // Windows of one kernel position never overlap each other, so one add per position.
        const sum = be.binary('add', dst, src, cols.dtype);
        be.write(
          dst,
          viewOf(
            { storage: sum, dtype: cols.dtype, shape: [], strides: [], offset: 0 },
            dst.shape,
            contiguousStrides(dst.shape),
            0,
          ),
        );
      }
    }
    return wrapStorage(be.copy(interior(buf, g), cols.dtype), outputShape);
  });
}

/** Strides of a [C*kh*kw, N*oh*ow] column matrix read as [C, kh, kw, N, oh, ow]. */
function colStrides(cols: Tensor, g: Geometry): number[] {
  const [r, c] = cols.strides;
  const [kh, kw] = g.kernel;
  const [oh, ow] = g.out;
  return [kh * kw * r, kw * r, r, oh * ow * c, ow * c, c];
}
