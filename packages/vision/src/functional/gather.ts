import type { Tensor } from '@tensile/tensor';
import { upload } from '../tensor-util';

/**
 * Where each output position along an axis reads its input: tap k of output i is input
 * `index[k][i]` with weight `weight[k][i]` (`null`: one tap, copied). Taps come from the
 * geometry alone, so they are worked out on the host; the image never leaves its device.
 */
export interface Taps {
  index: Int32Array[];
  weight: Float64Array[] | null;
}

/**
 * out[..., i] = sum over k of weight[k][i] * x[..., index[k][i]] along `dim` (-1: the width or a
 * flattened plane, -2: the height), summed tap by tap in x's dtype as ATen's resampling kernels
 * do, so float32 rounds alike.
 * Gathers, products and sums are tensor ops: the result keeps x's device and gradient.
 */
export function gatherSum(x: Tensor, dim: -1 | -2, taps: Taps): Tensor {
  const { dtype, device } = x;
  const terms = taps.index.map((index, k) => {
    const term = x.indexSelect(dim, upload(index, 'int64', device));
    const weight = taps.weight?.[k];
    if (!weight) return term;
    const w = upload(weight, dtype, device);
    return term.mul(dim === -1 ? w : w.reshape([-1, 1]));
  });
  return terms.reduce((acc, term) => acc.add(term));
}
