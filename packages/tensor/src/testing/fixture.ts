/**
 * Decoding of the golden fixtures written by tools/fixtures/generate.py (format: its README).
 * Everything here mirrors the Python encoder; change both sides together.
 */
import type { DType, Tensor } from '@tensile/tensor';
import * as T from '@tensile/tensor';

export type Scalar = number | boolean | 'nan' | 'inf' | '-inf';

/** How to build a non-contiguous input: data holds the contiguous `base`, the layout makes the view. */
export type Layout =
  | { kind: 'transpose'; dims: [number, number]; base: number[] }
  | { kind: 'permute'; dims: number[]; base: number[] }
  | { kind: 'slice'; dim: number; start: number; end: number; step: number; base: number[] }
  | { kind: 'expand'; shape: number[]; base: number[] };

export interface FixtureTensor {
  dtype: DType;
  shape: number[];
  /**
   * Row-major values (complex ones as real, imaginary pairs); null when only dtype/shape are
   * fixed (empty, random ops).
   */
  data: Scalar[] | null;
  layout?: Layout;
}

export interface Tol {
  rtol: number;
  atol: number;
}

export interface Case {
  id: string;
  op: string;
  args: unknown[];
  opts?: Record<string, unknown>;
  method?: true;
  out?: unknown;
  tol?: Tol;
  /** Error cases: PyTorch's message (for the reader) and the Tensile error class expected. */
  error?: string;
  errorType?: 'shape' | 'dtype' | 'index' | 'value' | 'linalg';
  /** The Python exception class torch raised (RuntimeError for most). */
  torchError?: string;
  /** Strings the Tensile message must contain besides the op name (the shapes involved). */
  mentions?: string[];
  /** In-place method: returns self; on a view, `outBase` is the base afterwards. */
  inplace?: true;
  outBase?: FixtureTensor;
  /** View ops: the output's strides / storage offset / whether it shares args[0]'s storage. */
  stride?: number[];
  storageOffset?: number;
  aliases?: boolean;
  /** max/min/sort/topk with a dim: the [values, indices] pair is also readable as .values/.indices. */
  valuesIndices?: true;
  /** An op of an optional backend kernel: null (a backend without the kernel) passes too. */
  optional?: true;
  /** Random ops: bounds the values lie in (inclusive) and whether they are whole numbers. */
  random?: { low: number; high: number; integral?: boolean };
  /** For autograd (ignored by the tensor tests): mirrors `out` (null for outputs without grad). */
  gradOut?: FixtureTensor | (FixtureTensor | null)[];
  grads?: unknown[];
  /** PyTorch's grad_fn name for the first differentiable output. */
  gradFn?: string;
}

export interface FixtureFile {
  group: string;
  torch: string;
  cases: Case[];
}

export function isFixtureTensor(v: unknown): v is FixtureTensor {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && 'data' in v;
}

export function decodeScalar(v: Scalar): number | boolean {
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  return v;
}

/** The base tensor each layout view was made from, so in-place cases can check the write-through. */
export const baseOf = new WeakMap<Tensor, Tensor>();

function nest(flat: (number | boolean)[], shape: number[]): unknown {
  if (shape.length === 0) return flat[0];
  let k = 0;
  const build = (d: number): unknown => {
    if (d < shape.length - 1) return Array.from({ length: shape[d] }, () => build(d + 1));
    k += shape[d];
    return flat.slice(k - shape[d], k);
  };
  return build(0);
}

function contiguousTensor(dtype: DType, shape: number[], data: Scalar[]): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  if (n === 0) return T.zeros(shape, { dtype });
  // Complex data is interleaved (real, imaginary) numbers, as dataSync() gives them.
  if (T.isComplex(dtype))
    return T.viewAsComplex(contiguousTensor(T.realPartDtype(dtype), [...shape, 2], data));
  return T.tensor(nest(data.map(decodeScalar), shape) as never, { dtype });
}

/** The tensor a fixture describes, on the default device. */
export function buildTensor(spec: FixtureTensor): Tensor {
  if (spec.data === null) throw new Error('fixture tensor without data used as an input');
  const layout = spec.layout;
  if (!layout) return contiguousTensor(spec.dtype, spec.shape, spec.data);
  const base = contiguousTensor(spec.dtype, layout.base, spec.data);
  let view: Tensor;
  switch (layout.kind) {
    case 'transpose':
      view = base.transpose(layout.dims[0], layout.dims[1]);
      break;
    case 'permute':
      view = base.permute(layout.dims);
      break;
    case 'slice':
      view = base.slice(layout.dim, layout.start, layout.end, layout.step);
      break;
    case 'expand':
      view = base.expand(layout.shape);
      break;
  }
  baseOf.set(view, base);
  return view;
}

/** Arguments and options: tensors, `{$num}` for non-finite numbers, `{$undef}` for a left-out one. */
export function decodeArg(a: unknown): unknown {
  if (Array.isArray(a)) return a.map(decodeArg);
  if (typeof a !== 'object' || a === null) return a;
  if ('$num' in a) return decodeScalar((a as { $num: Scalar }).$num);
  if ('$undef' in a) return undefined;
  if (isFixtureTensor(a)) return buildTensor(a);
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, decodeArg(v)]));
}
