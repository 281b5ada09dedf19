import {
  arange,
  type DType,
  isComplex,
  type Shape,
  type Tensor,
  tensor,
  zeros,
} from '@tensile/tensor';

const numel = (shape: Shape) => shape.reduce((n, d) => n * d, 1);

/**
 * A gradient in an input's dtype. A real input of a complex result takes the real part
 * (PyTorch's handle_r_to_c), not a cast that warns about the imaginary part it drops.
 */
export function gradAs(g: Tensor, dtype: DType): Tensor {
  if (g.dtype === dtype) return g;
  return (isComplex(g.dtype) && !isComplex(dtype) ? g.real : g).to(dtype);
}

/** Whether a tensor of `shape` broadcasts to `target` (so a gradient of `target` sums back). */
export function expandable(shape: Shape, target: Shape): boolean {
  const lead = target.length - shape.length;
  return lead >= 0 && shape.every((s, i) => s === target[lead + i] || s === 1);
}

/** Sums `g` over the dims that broadcasting added or stretched, giving it `shape`. */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  const lead = g.ndim - shape.length;
  const dims = g.shape.flatMap((s, i) =>
    i < lead || (shape[i - lead] === 1 && s !== 1) ? [i] : [],
  );
  const summed = dims.length > 0 ? g.sum(dims, { keepdim: true }) : g;
  return lead > 0 ? summed.reshape(shape) : summed;
}

/** `shape` with `dims` set to 1: where a reduction's gradient is broadcast back from. */
export function keptShape(shape: Shape, dims: readonly number[]): number[] {
  return shape.map((s, i) => (dims.includes(i) ? 1 : s));
}

/**
 * The flat index into a tensor of `shape` of each element `view` picks (view applied to an
 * arange), so a view's gradient can be summed back into place with one scatterAdd.
 */
export function viewIndex(shape: Shape, view: (t: Tensor) => Tensor, device: string): Tensor {
  return view(arange(numel(shape), undefined, 1, { device }).reshape(shape));
}

/** A zero tensor of `shape` with each element of `g` added at the flat position in `index`. */
export function scatterInto(g: Tensor, index: Tensor, shape: Shape): Tensor {
  const flat = zeros([numel(shape)], { dtype: g.dtype, device: g.device });
  return flat.scatterAdd(0, index.reshape([-1]), g.reshape([-1])).reshape(shape);
}

/** Storage positions of a strided layout's elements, in row-major order. */
export function positions(shape: Shape, strides: Shape, offset: number): number[] {
  let out = [offset];
  for (let d = 0; d < shape.length; d++) {
    const next: number[] = [];
    for (const p of out) for (let i = 0; i < shape[d]; i++) next.push(p + i * strides[d]);
    out = next;
  }
  return out;
}

/** An int64 index tensor on `device`. */
export function indexTensor(values: readonly number[], device: string): Tensor {
  return tensor(Float64Array.from(values), { dtype: 'int64', device });
}
