/**
 * Max unpooling (torch.nn.functional.max_unpool1d/2d): the inverse of max pooling with indices,
 * each value put back at its index in an otherwise zero plane. A scatter, so the gradient of
 * each value is the output gradient at its index.
 */
import { fmtShape, IndexError, ShapeError, type Tensor, ValueError, zeros } from '@tensile/tensor';
import { type IntOrPair, ntuple } from './conv';

/** Options of maxUnpool1d and maxUnpool2d: the settings of the max pooling being undone. */
export interface MaxUnpoolOptions {
  /** Defaults to the kernel size. */
  stride?: IntOrPair | null;
  /** The pooling's padding (default 0). */
  padding?: IntOrPair;
  /** The size to restore (the pooled input's), when the default formula is ambiguous. */
  outputSize?: readonly number[] | null;
}

/**
 * PyTorch's _unpool_output_size: (in - 1) * stride + kernel - 2 * padding, or a checked
 * outputSize.
 */
function unpoolSize(
  op: string,
  input: Tensor,
  kernel: number[],
  stride: number[],
  padding: number[],
  outputSize: readonly number[] | null | undefined,
): number[] {
  const n = kernel.length;
  const spatial = input.shape.slice(-n);
  const defaults = spatial.map((s, d) => (s - 1) * stride[d] + kernel[d] - 2 * padding[d]);
  if (outputSize == null) return defaults;
  const size = outputSize.length === n + 2 ? outputSize.slice(2) : [...outputSize];
  if (size.length !== n)
    throw new ValueError(
      `${op}: output_size should be a sequence containing ${n} or ${n + 2} elements, but it has a length of '${outputSize.length}'`,
    );
  size.forEach((s, d) => {
    const [lo, hi] = [defaults[d] - stride[d], defaults[d] + stride[d]];
    if (!(lo < s && s < hi))
      throw new ValueError(
        `${op}: invalid output_size "${fmtShape(size)}" (dim ${d} must be between ${lo} and ${hi})`,
      );
  });
  return size;
}

function maxUnpoolNd(
  op: string,
  dims: 1 | 2,
  input: Tensor,
  indices: Tensor,
  kernelSize: IntOrPair,
  opts: MaxUnpoolOptions,
): Tensor {
  if (input.ndim !== dims + 1 && input.ndim !== dims + 2)
    throw new ShapeError(
      `${op}: Expected ${dims + 1}D or ${dims + 2}D input, but got input of size ${fmtShape(input.shape)}`,
    );
  if (indices.shape.join() !== input.shape.join())
    throw new ShapeError(
      `${op}: Expected shape of indices to be same as that of the input tensor (${fmtShape(input.shape)}) but got indices tensor with shape: ${fmtShape(indices.shape)}`,
    );
  if (indices.dtype !== 'int64')
    throw new ValueError(
      `${op}: elements in indices should be type int64 but got: ${indices.dtype}`,
    );
  const kernel = ntuple(dims, kernelSize, 'kernel_size');
  const stride = ntuple(dims, opts.stride ?? kernelSize, 'stride');
  const padding = ntuple(dims, opts.padding ?? 0, 'padding');
  const size = unpoolSize(op, input, kernel, stride, padding, opts.outputSize);
  const plane = size.reduce((a, b) => a * b, 1);
  if (indices.numel() > 0) {
    const [lo, hi] = [indices.min().item(), indices.max().item()];
    if (lo < 0 || hi >= plane)
      throw new IndexError(
        `${op}: Found an invalid max index: ${lo < 0 ? lo : hi} (output volumes are of size ${size.join('x')})`,
      );
  }
  const lead = input.shape.slice(0, -dims);
  const values = input.reshape([...lead, -1]);
  const out = zeros([...lead, plane], { dtype: input.dtype, device: input.device });
  return out
    .scatter(lead.length, indices.reshape([...lead, -1]), values)
    .reshape([...lead, ...size]);
}

/**
 * torch.nn.functional.max_unpool2d: [N, C, H, W] (or [C, H, W]) with max_pool2d's
 * indices -> [N, C, H', W'], H' = (H - 1) * stride - 2 * padding + kernel (or `outputSize`), zero
 * except at the indices.
 */
export function maxUnpool2d(
  input: Tensor,
  indices: Tensor,
  kernelSize: IntOrPair,
  opts: MaxUnpoolOptions = {},
): Tensor {
  return maxUnpoolNd('max_unpool2d', 2, input, indices, kernelSize, opts);
}

/**
 * torch.nn.functional.max_unpool1d: [N, C, L] (or [C, L]) with max_pool1d's indices -> [N, C, L'],
 * L' = (L - 1) * stride - 2 * padding + kernel (or `outputSize`).
 */
export function maxUnpool1d(
  input: Tensor,
  indices: Tensor,
  kernelSize: IntOrPair,
  opts: MaxUnpoolOptions = {},
): Tensor {
  return maxUnpoolNd('max_unpool1d', 1, input, indices, kernelSize, opts);
}
