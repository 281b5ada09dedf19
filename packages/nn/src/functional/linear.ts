import { einsum, fmtShape, ShapeError, type Tensor } from '@tensile/tensor';

/**
 * y = x W^T + b over the last dim of x (torch.nn.functional.linear): input [*, in], weight
 * [out, in], bias [out] -> [*, out].
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const inFeatures = weight.shape[weight.ndim - 1];
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== inFeatures) {
    const rows = input.ndim === 0 ? 1 : input.numel() / input.shape[input.ndim - 1] || 0;
    throw new ShapeError(
      `linear: mat1 and mat2 shapes cannot be multiplied (${rows}x${input.shape[input.ndim - 1] ?? 1} and ${weight.shape.slice().reverse().join('x')}): input ${fmtShape(input.shape)}, weight ${fmtShape(weight.shape)}`,
    );
  }
  const out = input.matmul(weight.t());
  return bias ? out.add(bias) : out;
}

/**
 * y = x1^T A x2 + b for each output feature (torch.nn.functional.bilinear): input1 [*, in1] and
 * input2 [*, in2] with the same leading dims, weight [out, in1, in2], bias [out] -> [*, out].
 */
export function bilinear(
  input1: Tensor,
  input2: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
): Tensor {
  const [, in1, in2] = weight.shape;
  const last = (t: Tensor) => t.shape[t.ndim - 1];
  if (
    last(input1) !== in1 ||
    last(input2) !== in2 ||
    input1.shape.slice(0, -1).join() !== input2.shape.slice(0, -1).join()
  ) {
    throw new ShapeError(
      `bilinear: expected inputs [..., ${in1}] and [..., ${in2}] with the same leading dims for weight ${fmtShape(weight.shape)}, but got ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}`,
    );
  }
  const out = einsum('...i,oij,...j->...o', input1, weight, input2);
  return bias ? out.add(bias) : out;
}
