/**
 * Each traced op as ONNX nodes (opset 17). An op is one entry of CONVERTERS, named as the op
 * autograd records (or the composite nn reports: conv, maxPool2d, lstmCell).
 */
import { type DType, isComplex, type ObservedOp, type RealDType } from '@tensile/tensor';
import { ExportError } from '../errors';
import type { TracedOp, Value } from '../trace';

export type Attr =
  | { i: number }
  | { f: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { s: string };

/** What a converter writes into: nodes, named values, and constants it makes. */
export interface Emitter {
  /** The ONNX name of a traced value (a constant becomes an initializer on first use). */
  name(v: Value): string;
  /** A fresh name for an intermediate result. */
  tmp(): string;
  node(type: string, inputs: string[], outputs: string[], attrs?: Record<string, Attr>): void;
  /** A new initializer (int64 for shapes and indices). */
  constant(values: readonly number[], shape: readonly number[], dtype: DType | 'int64'): string;
  /** `v` as `dtype`: the value itself, a converted constant, or a Cast node. */
  as(v: Value, dtype: DType): string;
}

type Converter = (e: Emitter, op: TracedOp) => void;

const ONNX_DTYPES: Record<RealDType, number> = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

export function onnxDtype(d: DType): number {
  if (isComplex(d))
    throw new ExportError(
      `ONNX export: ${d} tensors are not supported (Tensile exports real dtypes only)`,
    );
  return ONNX_DTYPES[d];
}

const ints = (v: readonly number[]): Attr => ({ ints: v });
const int = (i: number): Attr => ({ i });
const num = <T>(op: TracedOp, key: string): T => op.attrs[key] as T;
const out = (e: Emitter, op: TracedOp, i = 0) => e.name(op.outputs[i]);
const dtypeOf = (v: Value): DType => v.tensor.dtype;
const shapeOf = (v: Value): readonly number[] => v.tensor.shape;

/** One ONNX node of the same name, the inputs cast to the output's dtype. */
const same =
  (type: string): Converter =>
  (e, op) => {
    const d = dtypeOf(op.outputs[0]);
    e.node(
      type,
      op.inputs.map((v) => e.as(v, d)),
      [out(e, op)],
    );
  };

/** A comparison: both sides in the dtype they were compared in, a bool result. */
const compare =
  (type: string, negate = false): Converter =>
  (e, op) => {
    const [a, b] = op.inputs;
    const d = dtypeOf(a);
    const inputs = [e.as(a, d), e.as(b, d)];
    if (!negate) return e.node(type, inputs, [out(e, op)]);
    const t = e.tmp();
    e.node(type, inputs, [t]);
    e.node('Not', [t], [out(e, op)]);
  };

/** A chain of ONNX nodes, each taking the previous result and an optional scalar constant. */
const chain =
  (...steps: [string, number?][]): Converter =>
  (e, op) => {
    const d = dtypeOf(op.outputs[0]);
    let x = e.as(op.inputs[0], d);
    steps.forEach(([type, c], i) => {
      const y = i === steps.length - 1 ? out(e, op) : e.tmp();
      e.node(type, c === undefined ? [x] : [x, e.constant([c], [], d)], [y]);
      x = y;
    });
  };

/** An int64 initializer holding a shape. */
const shapeConst = (e: Emitter, shape: readonly number[]) =>
  e.constant(shape, [shape.length], 'int64');

/** A shape op (Reshape, Expand) to the output's shape; prune dropped those that keep it. */
const shaped =
  (type: string): Converter =>
  (e, op) =>
    e.node(type, [e.name(op.inputs[0]), shapeConst(e, shapeOf(op.outputs[0]))], [out(e, op)]);

const reshape = shaped('Reshape');

/** Reductions whose axes are an attribute in opset 17; ReduceSum's are an input. */
const reduce =
  (type: string): Converter =>
  (e, op) => {
    const x = op.inputs[0];
    const dims = num<number[]>(op, 'dims');
    const axes = dims.length === 0 ? shapeOf(x).map((_, i) => i) : dims;
    const keepdims = int(num<boolean>(op, 'keepdim') ? 1 : 0);
    const y = op.outputs[0];
    const direct = dtypeOf(y) === dtypeOf(x);
    const target = direct ? out(e, op) : e.tmp();
    if (axes.length === 0) e.node('Identity', [e.name(x)], [target]);
    else if (type === 'ReduceSum')
      e.node(type, [e.name(x), e.constant(axes, [axes.length], 'int64')], [target], { keepdims });
    else e.node(type, [e.name(x)], [target], { axes: ints(axes), keepdims });
    if (!direct) e.node('Cast', [target], [out(e, op)], { to: int(onnxDtype(dtypeOf(y))) });
  };

const twice = (v: readonly number[]) => [...v, ...v];

/** The output size of a pooling window along a dim with floor rounding. */
const floorOut = (size: number, k: number, s: number, p: number, d: number) =>
  Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;

function ceilMode(
  x: Value,
  g: { kernel: number[]; stride: number[]; padding: number[] },
  outSize: readonly number[],
  dilation?: readonly number[],
) {
  const spatial = shapeOf(x).slice(2);
  return spatial.some(
    (size, i) =>
      floorOut(size, g.kernel[i], g.stride[i], g.padding[i], dilation?.[i] ?? 1) !== outSize[i],
  )
    ? 1
    : 0;
}

function unused(op: TracedOp, from: number, what: string): void {
  if (op.outputs.slice(from).some((v) => v.used))
    throw new ExportError(`ONNX export: ${op.op}'s ${what} have no ONNX equivalent here`);
}

function lstmCell(e: Emitter, op: TracedOp): void {
  const [ig, hg, cx] = op.inputs;
  const d = dtypeOf(cx);
  const h = shapeOf(cx)[1];
  const gates = e.tmp();
  e.node('Add', [e.name(ig), e.name(hg)], [gates]);
  const [i, f, g, o] = [e.tmp(), e.tmp(), e.tmp(), e.tmp()];
  e.node('Split', [gates, e.constant([h, h, h, h], [4], 'int64')], [i, f, g, o], { axis: int(1) });
  const act = (type: string, x: string) => {
    const y = e.tmp();
    e.node(type, [x], [y]);
    return y;
  };
  const mul = (a: string, b: string) => {
    const y = e.tmp();
    e.node('Mul', [a, b], [y]);
    return y;
  };
  const cy = out(e, op, 1);
  e.node(
    'Add',
    [mul(act('Sigmoid', f), e.as(cx, d)), mul(act('Sigmoid', i), act('Tanh', g))],
    [cy],
  );
  e.node('Mul', [act('Sigmoid', o), act('Tanh', cy)], [out(e, op, 0)]);
  unused(op, 2, 'workspace');
}

const UNARY: Partial<Record<ObservedOp, string>> = {
  sqrt: 'Sqrt',
  exp: 'Exp',
  log: 'Log',
  sin: 'Sin',
  cos: 'Cos',
  tan: 'Tan',
  asin: 'Asin',
  acos: 'Acos',
  atan: 'Atan',
  sinh: 'Sinh',
  cosh: 'Cosh',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  erf: 'Erf',
  reciprocal: 'Reciprocal',
  floor: 'Floor',
  ceil: 'Ceil',
  sign: 'Sign',
  neg: 'Neg',
  abs: 'Abs',
  relu: 'Relu',
  round: 'Round',
  isnan: 'IsNaN',
  isinf: 'IsInf',
  logicalNot: 'Not',
};

const BINARY: Partial<Record<ObservedOp, string>> = {
  add: 'Add',
  sub: 'Sub',
  mul: 'Mul',
  div: 'Div',
  pow: 'Pow',
  maximum: 'Max',
  minimum: 'Min',
  matmul: 'MatMul',
};

export const CONVERTERS: { readonly [K in ObservedOp]?: Converter } = {
  ...Object.fromEntries(Object.entries(UNARY).map(([k, v]) => [k, same(v)])),
  ...Object.fromEntries(Object.entries(BINARY).map(([k, v]) => [k, same(v)])),
  rsqrt: chain(['Sqrt'], ['Reciprocal']),
  expm1: chain(['Exp'], ['Sub', 1]),
  log1p: chain(['Add', 1], ['Log']),
  log2: chain(['Log'], ['Div', Math.LN2]),
  floorDiv: (e, op) => {
    const d = dtypeOf(op.outputs[0]);
    if (d !== 'float32' && d !== 'float64')
      throw new ExportError('ONNX export: floor division of integers has no ONNX form here');
    const q = e.tmp();
    e.node(
      'Div',
      op.inputs.map((v) => e.as(v, d)),
      [q],
    );
    e.node('Floor', [q], [out(e, op)]);
  },
  fmod: (e, op) => {
    const d = dtypeOf(op.outputs[0]);
    e.node(
      'Mod',
      op.inputs.map((v) => e.as(v, d)),
      [out(e, op)],
      { fmod: int(1) },
    );
  },
  eq: compare('Equal'),
  ne: compare('Equal', true),
  lt: compare('Less'),
  le: compare('LessOrEqual'),
  gt: compare('Greater'),
  ge: compare('GreaterOrEqual'),
  logicalAnd: (e, op) =>
    e.node(
      'And',
      op.inputs.map((v) => e.as(v, 'bool')),
      [out(e, op)],
    ),
  logicalOr: (e, op) =>
    e.node(
      'Or',
      op.inputs.map((v) => e.as(v, 'bool')),
      [out(e, op)],
    ),
  logicalXor: (e, op) =>
    e.node(
      'Xor',
      op.inputs.map((v) => e.as(v, 'bool')),
      [out(e, op)],
    ),
  where: (e, op) => {
    const [c, a, b] = op.inputs;
    const d = dtypeOf(op.outputs[0]);
    e.node('Where', [e.as(c, 'bool'), e.as(a, d), e.as(b, d)], [out(e, op)]);
  },
  clamp: (e, op) => {
    const [x, lo, hi] = op.inputs;
    let y = e.name(x);
    const steps = [
      [num<boolean>(op, 'hasMin'), 'Max', lo],
      [num<boolean>(op, 'hasMax'), 'Min', hi],
    ] as const;
    const live = steps.filter(([has]) => has);
    live.forEach(([, type, bound], i) => {
      const z = i === live.length - 1 ? out(e, op) : e.tmp();
      e.node(type, [y, e.as(bound, dtypeOf(x))], [z]);
      y = z;
    });
  },
  sum: reduce('ReduceSum'),
  mean: reduce('ReduceMean'),
  prod: reduce('ReduceProd'),
  max: reduce('ReduceMax'),
  min: reduce('ReduceMin'),
  norm: reduce('ReduceL2'),
  softmax: (e, op) =>
    e.node('Softmax', [e.name(op.inputs[0])], [out(e, op)], { axis: int(num(op, 'dim')) }),
  logSoftmax: (e, op) =>
    e.node('LogSoftmax', [e.name(op.inputs[0])], [out(e, op)], { axis: int(num(op, 'dim')) }),
  // CumSum keeps its input's type; Tensile's sum of integers or bools is int64.
  cumsum: (e, op) =>
    e.node(
      'CumSum',
      [e.as(op.inputs[0], dtypeOf(op.outputs[0])), e.constant([num(op, 'dim')], [], 'int64')],
      [out(e, op)],
    ),
  argmax: argReduce('ArgMax'),
  argmin: argReduce('ArgMin'),
  topk: (e, op) => {
    const k = e.constant([num(op, 'k')], [1], 'int64');
    const attrs = { axis: int(num(op, 'dim')), largest: int(num(op, 'largest') ? 1 : 0) };
    e.node('TopK', [e.name(op.inputs[0]), k], [out(e, op, 0), out(e, op, 1)], attrs);
  },
  // max(dim)/min(dim) record their gather with the squeeze inside it: reshape to the output.
  gather: (e, op) => {
    const [x, index] = op.inputs;
    const y = op.outputs[0];
    const squeezed = shapeOf(index).join() !== shapeOf(y).join();
    const target = squeezed ? e.tmp() : out(e, op);
    e.node('GatherElements', [e.name(x), e.as(index, 'int64')], [target], {
      axis: int(num(op, 'dim')),
    });
    if (squeezed) e.node('Reshape', [target, shapeConst(e, shapeOf(y))], [out(e, op)]);
  },
  cat: (e, op) => {
    const d = dtypeOf(op.outputs[0]);
    const parts = op.inputs.filter((v) => v.tensor.numel() > 0 || v.tensor.ndim > 1);
    e.node(
      'Concat',
      parts.map((v) => e.as(v, d)),
      [out(e, op)],
      { axis: int(num(op, 'dim')) },
    );
  },
  stack: (e, op) => {
    const d = dtypeOf(op.outputs[0]);
    const axes = e.constant([num(op, 'dim')], [1], 'int64');
    const parts = op.inputs.map((v) => {
      const t = e.tmp();
      e.node('Unsqueeze', [e.as(v, d), axes], [t]);
      return t;
    });
    e.node('Concat', parts, [out(e, op)], { axis: int(num(op, 'dim')) });
  },
  flip: (e, op) => {
    const dims = num<number[]>(op, 'dims');
    const big = Number.MIN_SAFE_INTEGER;
    const c = (v: number) =>
      e.constant(
        dims.map(() => v),
        [dims.length],
        'int64',
      );
    e.node(
      'Slice',
      [e.name(op.inputs[0]), c(-1), c(big), e.constant(dims, [dims.length], 'int64'), c(-1)],
      [out(e, op)],
    );
  },
  view: reshape,
  expand: shaped('Expand'),
  permute: (e, op) =>
    e.node('Transpose', [e.name(op.inputs[0])], [out(e, op)], { perm: ints(num(op, 'dims')) }),
  slice: (e, op) => {
    const c = (k: string) => e.constant([num(op, k)], [1], 'int64');
    e.node(
      'Slice',
      [e.name(op.inputs[0]), c('start'), c('end'), c('dim'), c('step')],
      [out(e, op)],
    );
  },
  select: (e, op) =>
    e.node(
      'Gather',
      [e.name(op.inputs[0]), e.constant([num(op, 'index')], [], 'int64')],
      [out(e, op)],
      {
        axis: int(num(op, 'dim')),
      },
    ),
  cast: (e, op) =>
    e.node('Cast', [e.name(op.inputs[0])], [out(e, op)], {
      to: int(onnxDtype(dtypeOf(op.outputs[0]))),
    }),
  convolution: (e, op) => {
    const [x, w, b] = op.inputs;
    e.node('Conv', [x, w, ...(b ? [b] : [])].map(e.name), [out(e, op)], {
      kernel_shape: ints(shapeOf(w).slice(2)),
      strides: ints(num(op, 'stride')),
      pads: ints(twice(num(op, 'padding'))),
      dilations: ints(num(op, 'dilation')),
    });
  },
  conv: (e, op) => convNode(e, op, 'Conv'),
  convTranspose: (e, op) => convNode(e, op, 'ConvTranspose'),
  maxPool2d: (e, op) => {
    unused(op, 1, 'indices');
    const x = op.inputs[0];
    const kernel = num<number[]>(op, 'kernel');
    const stride = num<number[]>(op, 'stride');
    const padding = num<number[]>(op, 'padding');
    const dilation = num<number[]>(op, 'dilation');
    const ceil = ceilMode(x, { kernel, stride, padding }, num(op, 'outputSize'), dilation);
    e.node('MaxPool', [e.name(x)], [out(e, op)], {
      kernel_shape: ints(kernel),
      strides: ints(stride),
      pads: ints(twice(padding)),
      dilations: ints(dilation),
      ceil_mode: int(ceil),
    });
  },
  avgPool: (e, op) => {
    if (num(op, 'divisorOverride') !== null)
      throw new ExportError('ONNX export: average pooling with divisorOverride has no ONNX form');
    const x = op.inputs[0];
    const kernel = num<number[]>(op, 'kernelSize');
    const stride = num<number[]>(op, 'stride');
    const padding = num<number[]>(op, 'padding');
    e.node('AveragePool', [e.name(x)], [out(e, op)], {
      kernel_shape: ints(kernel),
      strides: ints(stride),
      pads: ints(twice(padding)),
      count_include_pad: int(num(op, 'countIncludePad') ? 1 : 0),
      ceil_mode: int(ceilMode(x, { kernel, stride, padding }, num(op, 'outputSize'))),
    });
  },
  lstmCell,
};

function argReduce(type: string): Converter {
  return (e, op) => {
    const x = op.inputs[0];
    const dim = num<number | null>(op, 'dim');
    const keepdims = int(num<boolean>(op, 'keepdim') ? 1 : 0);
    if (dim !== null) return e.node(type, [e.name(x)], [out(e, op)], { axis: int(dim), keepdims });
    // Over all elements: the flattened input's index, shaped as the output.
    const flat = e.tmp();
    const idx = e.tmp();
    e.node('Reshape', [e.name(x), e.constant([-1], [1], 'int64')], [flat]);
    e.node(type, [flat], [idx], { axis: int(0), keepdims: int(0) });
    e.node('Reshape', [idx, shapeConst(e, shapeOf(op.outputs[0]))], [out(e, op)]);
  };
}

function convNode(e: Emitter, op: TracedOp, type: 'Conv' | 'ConvTranspose'): void {
  const [x, w, b] = op.inputs;
  if (shapeOf(x).length !== shapeOf(w).length)
    throw new ExportError(
      `ONNX export: ${op.op} of an unbatched input of size [${shapeOf(x).join(', ')}]: export with a batch dimension`,
    );
  const attrs: Record<string, Attr> = {
    kernel_shape: ints(shapeOf(w).slice(2)),
    strides: ints(num(op, 'stride')),
    pads: ints([...num<number[]>(op, 'padding'), ...num<number[]>(op, 'ends')]),
    dilations: ints(num(op, 'dilation')),
    group: int(num(op, 'groups')),
  };
  if (type === 'ConvTranspose') attrs.output_padding = ints(num(op, 'outputPadding'));
  e.node(type, [x, w, ...(b ? [b] : [])].map(e.name), [out(e, op)], attrs);
}
