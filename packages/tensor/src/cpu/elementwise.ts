import type { BinaryOp, UnaryOp, View } from '../backend';
import { type DType, isFloating, type TypedArray } from '../dtype';
import { sameShape } from '../shape';
import { coalesce, H, loopDecls, nestedLoops, outputOrder } from './loops';
import { native } from './native';
import { dataOf } from './storage';
import { ELTWISE, ELTWISE_MIN, wasmEltwise } from './wasm/eltwise';
import { wasm } from './wasm/runtime';

/**
 * Expressions over x0, x1, x2; `bool` marks those that yield a JS boolean. `bits` is the same
 * function on float32 bit patterns (Int32Array views of operands `floats`, every other operand
 * an integer or bool, the output float32): integer ops without a branch where the float form
 * branches on the data, which costs a mispredict per element on mixed signs (relu's 1.8 ms for
 * 300K values against 0.3 ms).
 */
export type Expr = {
  code: string;
  bool?: boolean;
  bits?: { code: string; floats: number[] };
  /** The op's WebAssembly kernel (wasm/eltwise.ts), for dense float32 runs. */
  elt?: number;
};

export const UNARY: Record<UnaryOp, Expr> = {
  neg: { code: '-x0' },
  abs: { code: 'Math.abs(x0)' },
  sign: { code: 'H.sign(x0)' },
  sqrt: { code: 'Math.sqrt(x0)' },
  rsqrt: { code: '1 / Math.sqrt(x0)' },
  exp: { code: 'Math.exp(x0)' },
  expm1: { code: 'Math.expm1(x0)' },
  log: { code: 'Math.log(x0)' },
  log1p: { code: 'Math.log1p(x0)' },
  log2: { code: 'Math.log2(x0)' },
  sin: { code: 'Math.sin(x0)' },
  cos: { code: 'Math.cos(x0)' },
  tan: { code: 'Math.tan(x0)' },
  asin: { code: 'Math.asin(x0)' },
  acos: { code: 'Math.acos(x0)' },
  atan: { code: 'Math.atan(x0)' },
  sinh: { code: 'Math.sinh(x0)' },
  cosh: { code: 'Math.cosh(x0)' },
  tanh: { code: 'Math.tanh(x0)' },
  sigmoid: { code: '1 / (1 + Math.exp(-x0))' },
  relu: {
    code: '(x0 > 0 || x0 !== x0 ? x0 : 0)',
    // Keep x0 unless its sign bit is set, or it is a NaN (magnitude above infinity's).
    bits: { code: 'x0 & (~(x0 >> 31) | ((0x7f800000 - (x0 & 0x7fffffff)) >> 31))', floats: [0] },
  },
  erf: { code: 'H.erf(x0)' },
  round: { code: 'H.roundHalfEven(x0)' },
  floor: { code: 'Math.floor(x0)' },
  ceil: { code: 'Math.ceil(x0)' },
  trunc: { code: 'Math.trunc(x0)' },
  reciprocal: { code: '1 / x0' },
  logicalNot: { code: 'x0 === 0', bool: true },
  isnan: { code: 'x0 !== x0', bool: true },
  isinf: { code: '(x0 === Infinity || x0 === -Infinity)', bool: true },
  isfinite: { code: 'x0 - x0 === 0', bool: true },
};

export const BINARY: Record<BinaryOp, Expr> = {
  add: { code: 'x0 + x1' },
  sub: { code: 'x0 - x1' },
  mul: { code: 'x0 * x1' },
  div: { code: 'x0 / x1' },
  floorDiv: { code: 'H.floorDiv(x0, x1)' },
  pow: { code: 'Math.pow(x0, x1)' },
  maximum: { code: '(x0 > x1 || x0 !== x0 ? x0 : x1)' },
  minimum: { code: '(x0 < x1 || x0 !== x0 ? x0 : x1)' },
  fmod: { code: 'x0 % x1' },
  remainder: { code: 'H.remainder(x0, x1)' },
  atan2: { code: 'Math.atan2(x0, x1)' },
  // x0 is the gradient, x1 relu's output: cut where x1 <= 0 (a NaN output passes it).
  reluBackward: {
    code: '(x1 <= 0 ? 0 : x0)',
    // Keep x0 where x1 is above +0 as an integer (positive, or a positive NaN) or any NaN.
    bits: { code: 'x0 & (-(x1 > 0) | ((0x7f800000 - (x1 & 0x7fffffff)) >> 31))', floats: [0, 1] },
  },
  eq: { code: 'x0 === x1', bool: true },
  ne: { code: 'x0 !== x1', bool: true },
  lt: { code: 'x0 < x1', bool: true },
  le: { code: 'x0 <= x1', bool: true },
  gt: { code: 'x0 > x1', bool: true },
  ge: { code: 'x0 >= x1', bool: true },
  logicalAnd: { code: '(x0 !== 0 && x1 !== 0)', bool: true },
  logicalOr: { code: '(x0 !== 0 || x1 !== 0)', bool: true },
  logicalXor: { code: '((x0 !== 0) !== (x1 !== 0))', bool: true },
};

for (const [op, elt] of Object.entries(ELTWISE)) {
  const expr = UNARY[op as UnaryOp] ?? BINARY[op as BinaryOp];
  expr.elt = elt;
}

export const WHERE: Expr = {
  code: '(x0 !== 0 ? x1 : x2)',
  bits: { code: '(x1 & -(x0 !== 0)) | (x2 & ~-(x0 !== 0))', floats: [1, 2] },
};
export const IDENTITY: Expr = { code: 'x0' };

/**
 * Wraps an expression so that storing it gives PyTorch's cast to `dtype`; `fromFloat`: some
 * operand is floating, so int64 and int32 take PyTorch's rule for NaN and values past their
 * range (integers narrow by wrapping, as the typed arrays store them).
 */
function castTo(expr: Expr, dtype: DType, fromFloat: boolean): string {
  // +(boolean) compiles without a branch; `c ? 1 : 0` mispredicts on mixed data.
  if (dtype === 'bool') return expr.bool ? `+(${expr.code})` : `+((${expr.code}) !== 0)`;
  if (expr.bool) return `+(${expr.code})`;
  if (dtype === 'int64') return fromFloat ? `H.toInt64(${expr.code})` : `Math.trunc(${expr.code})`;
  if (dtype === 'int32' && fromFloat) return `H.toInt32(${expr.code})`;
  return expr.code;
}

type Kernel = (
  out: TypedArray,
  outOff: number,
  outStrides: number[],
  ins: TypedArray[],
  offs: number[],
  strides: number[][],
  shape: number[],
) => void;

const cache = new Map<string, Kernel>();

/**
 * One kernel per expression, rank and operand dtypes: a loop that sees one array type per
 * operand keeps V8's element loads monomorphic (a shared one ran several times slower).
 */
function compile(expr: Expr, dtype: DType, inTypes: readonly DType[], ndim: number): Kernel {
  const nIn = inTypes.length;
  const key = `${expr.code}|${dtype}|${inTypes.join(',')}|${ndim}`;
  let k = cache.get(key);
  if (k) return k;
  const ptrs = ['po', ...Array.from({ length: nIn }, (_, i) => `p${i}`)];
  const decl = [
    ...Array.from(
      { length: nIn },
      (_, i) => `const a${i} = ins[${i}]; let p${i} = offs[${i}]; const st${i} = strides[${i}];`,
    ),
    'let po = outOff;',
    loopDecls('', ndim, 'shape', [
      { name: 'po', strides: 'outStrides' },
      ...Array.from({ length: nIn }, (_, i) => ({ name: `p${i}`, strides: `st${i}` })),
    ]),
  ].join('\n');
  const loads = Array.from({ length: nIn }, (_, i) => `const x${i} = a${i}[p${i}];`).join(' ');
  const body = `${loads}\nout[po] = ${castTo(expr, dtype, inTypes.some(isFloating))};`;
  const src = `return function(out, outOff, outStrides, ins, offs, strides, shape) {\n${decl}\n${nestedLoops('', ndim, ptrs, body)}\n}`;
  k = new Function('H', src)(H) as Kernel;
  cache.set(key, k);
  return k;
}

/**
 * The same for one flat run where the output and each input either step by one element or
 * stay on one (a broadcast scalar): a single index for every array lets V8 drop the
 * per-pointer arithmetic and most bounds checks, about three times faster than the strided
 * loop on the optimizers' updates. `steps` holds each input's stride, 1 or 0.
 */
function compileFlat(expr: Expr, dtype: DType, inTypes: readonly DType[], steps: string): Kernel {
  const key = `${expr.code}|${dtype}|${inTypes.join(',')}|flat${steps}`;
  let k = cache.get(key);
  if (k) return k;
  const ins = inTypes.map((_, i) => i);
  const decl = ins
    .map((i) =>
      steps[i] === '1'
        ? `const a${i} = ins[${i}]; const o${i} = offs[${i}] - outOff;`
        : `const x${i} = ins[${i}][offs[${i}]];`,
    )
    .join('\n');
  const loads = ins
    .filter((i) => steps[i] === '1')
    .map((i) => `const x${i} = a${i}[o${i} + i];`)
    .join(' ');
  const src = `return function(out, outOff, outStrides, ins, offs, strides, shape) {
${decl}
const end = outOff + shape[0];
for (let i = outOff; i < end; i++) { ${loads} out[i] = ${castTo(expr, dtype, inTypes.some(isFloating))}; }
}`;
  k = new Function('H', src)(H) as Kernel;
  cache.set(key, k);
  return k;
}

/** Evaluates `expr` over `inputs` (all of dst's shape) into the strided window `dst`. */
export function mapInto(expr: Expr, dst: View, inputs: readonly View[]): void {
  for (const v of inputs) {
    if (!sameShape(v.shape, dst.shape))
      throw new Error(`cpu kernel: operand shape ${v.shape} differs from ${dst.shape}`);
  }
  if (dst.shape.includes(0)) return;
  const ordered = outputOrder(dst.shape, [dst.strides, ...inputs.map((v) => v.strides)]);
  const { shape, strides } = coalesce(ordered.shape, ordered.strides);
  const types = inputs.map((v) => v.dtype);
  const flat =
    shape.length === 1 && strides[0][0] === 1 && strides.every((st) => st[0] === 0 || st[0] === 1);
  const inStrides = strides.slice(1);
  const steps = inStrides.join('');
  let out = dataOf(dst.storage);
  let ins = inputs.map((v) => dataOf(v.storage));
  if (flat && expr === IDENTITY && copyFlat(out, dst, ins[0], inputs[0], shape[0], steps)) return;
  if (expr.elt !== undefined && runsOnKernels(expr.elt, dst, inputs, shape, strides)) return;
  let kernel: Kernel;
  if (flat && onBits(expr, dst, inputs)) {
    const bits = { code: expr.bits!.code };
    kernel = compileFlat(
      bits,
      'int32',
      types.map((t) => (t === 'float32' ? 'int32' : t)),
      steps,
    );
    out = asBits(out);
    ins = ins.map((a, i) => (inputs[i].dtype === 'float32' ? asBits(a) : a));
  } else {
    kernel = flat
      ? compileFlat(expr, dst.dtype, types, steps)
      : compile(expr, dst.dtype, types, shape.length);
  }
  kernel(
    out,
    dst.offset,
    strides[0],
    ins,
    inputs.map((v) => v.offset),
    inStrides,
    shape,
  );
}

/**
 * A flat copy or fill through the typed arrays' own set() and fill(), several times faster
 * than a generated loop (16 MB: 0.35 ms against 4.7). False where the cast needs the loop.
 */
function copyFlat(
  out: TypedArray,
  dst: View,
  src: TypedArray,
  from: View,
  length: number,
  steps: string,
): boolean {
  if (steps === '1' && dst.dtype === from.dtype) {
    out.set(src.subarray(from.offset, from.offset + length), dst.offset);
    return true;
  }
  if (steps !== '0') return false;
  // One element through the generated kernel gives the cast value; fill repeats it.
  compileFlat(IDENTITY, dst.dtype, [from.dtype], '0')(
    out,
    dst.offset,
    [1],
    [src],
    [from.offset],
    [[0]],
    [1],
  );
  out.fill(out[dst.offset] as never, dst.offset, dst.offset + length);
  return true;
}

/**
 * Runs at least this long go to the native tier's elementwise kernels, which read the arrays
 * where they lie (no copies, unlike the WebAssembly ones: those take runs from ELTWISE_MIN).
 */
const NATIVE_MIN = 1024;
/** The native tier has the arithmetic ops (ELT_* below 10); exp, log, tanh, sigmoid stay WASM. */
const NATIVE_ELTWISE = 10;

/**
 * A dense float32 run through the native kernel, else the WebAssembly one; false where
 * neither applies.
 */
function onKernels(
  elt: number,
  dst: View,
  inputs: readonly View[],
  length: number,
  bStep: 0 | 1 | 2,
  bLength: number,
): boolean {
  if (length < NATIVE_MIN || dst.dtype !== 'float32') return false;
  if (inputs.some((v) => v.dtype !== 'float32')) return false;
  const nk = elt < NATIVE_ELTWISE ? native() : null;
  const w = nk || length < ELTWISE_MIN ? null : wasm();
  if (!nk && !w) return false;
  const run = (v: View, n: number) =>
    (dataOf(v.storage) as Float32Array).subarray(v.offset, v.offset + n);
  const b = inputs[1] ? run(inputs[1], bLength) : null;
  const [out, a] = [run(dst, length), run(inputs[0], length)];
  if (nk) nk.eltwise(elt, out, a, b, bStep);
  else if (w) wasmEltwise(w, elt, out, a, b, bStep);
  return true;
}

/**
 * Dense float32 operands (coalesced `shape` and `strides`, the output's first) on the native
 * or WebAssembly kernels: one run, the second operand dense or one value, or rows with the
 * second operand one row repeated over them (a bias added to a matrix, as nn's linear does).
 */
function runsOnKernels(
  elt: number,
  dst: View,
  inputs: readonly View[],
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): boolean {
  const [o, a, b] = strides;
  if (shape.length === 1) {
    if (o[0] !== 1 || a[0] !== 1 || (b && b[0] > 1)) return false;
    const bStep = b?.[0] === 1 ? 1 : 0;
    return onKernels(elt, dst, inputs, shape[0], bStep, bStep ? shape[0] : 1);
  }
  if (shape.length !== 2 || !b || b[0] !== 0 || b[1] !== 1) return false;
  const [rows, n] = shape;
  if (o[0] !== n || o[1] !== 1 || a[0] !== n || a[1] !== 1 || n < ROW_MIN) return false;
  return onKernels(elt, dst, inputs, rows * n, 2, n);
}

/** Rows shorter than this stay in JavaScript: the kernels would run on part-empty vectors. */
const ROW_MIN = 16;

/** Whether `expr` runs on bit patterns here: float32 out and float operands, the rest integers. */
function onBits(expr: Expr, dst: View, inputs: readonly View[]): boolean {
  if (!expr.bits || dst.dtype !== 'float32') return false;
  const floats = expr.bits.floats;
  return inputs.every((v, i) =>
    floats.includes(i) ? v.dtype === 'float32' : !isFloating(v.dtype),
  );
}

function asBits(a: TypedArray): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}
