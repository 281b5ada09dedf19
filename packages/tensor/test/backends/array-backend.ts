import type {
  ArgReduceOp,
  Backend,
  BinaryOp,
  ReduceOp,
  ScatterReduce,
  Storage,
  UnaryOp,
  View,
} from '../../src/index';
import { type DType, isFloating, type TypedArray } from '../../src/index';

/**
 * A deliberately naive second backend for the conformance suite: storage is a plain JS array
 * and every kernel computes each output element from its multi-index. It shares no code with
 * the CPU backend, so agreement between the two checks both, and it proves the Backend
 * contract is all a backend needs.
 */
class ArrayStorage implements Storage {
  version = 0;
  constructor(
    readonly backend: Backend,
    readonly dtype: DType,
    public values: number[],
  ) {}
  get size() {
    return this.values.length;
  }
}

const vals = (s: Storage) => (s as ArrayStorage).values;
const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function cast(v: number, dtype: DType): number {
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  if (dtype === 'float32') return Math.fround(v);
  if (dtype === 'float64') return v;
  const t = Number.isFinite(v) ? Math.trunc(v) : 0;
  if (dtype === 'int32') return t | 0;
  if (dtype === 'uint8') return ((t % 256) + 256) % 256;
  return t;
}

/** Row-major multi-indices of `shape`. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = numel(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    yield idx.slice();
    for (let d = shape.length - 1; d >= 0 && ++idx[d] === shape[d]; d--) idx[d] = 0;
  }
}

const at = (v: View, idx: readonly number[]) =>
  vals(v.storage)[v.offset + idx.reduce((o, i, d) => o + i * v.strides[d], 0)];

const UN: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  log2: Math.log2,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (Number.isNaN(x) || x > 0 ? x : 0),
  erf: erf,
  round: (x) => {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  floor: Math.floor,
  ceil: Math.ceil,
  trunc: Math.trunc,
  reciprocal: (x) => 1 / x,
  logicalNot: (x) => (x === 0 ? 1 : 0),
  isnan: (x) => (Number.isNaN(x) ? 1 : 0),
  isinf: (x) => (Math.abs(x) === Infinity ? 1 : 0),
  isfinite: (x) => (Number.isFinite(x) ? 1 : 0),
};

function erf(x: number): number {
  // Series for small |x|, continued fraction otherwise: independent of the CPU backend's method.
  if (Math.abs(x) < 2.5) {
    let sum = x,
      term = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  const ax = Math.abs(x);
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  return Math.sign(x) * (1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f));
}

const BIN: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  floorDiv: (a, b) => (b === 0 ? a / b : Math.floor(a / b)),
  pow: Math.pow,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  fmod: (a, b) => a % b,
  remainder: (a, b) => a - b * Math.floor(a / b),
  atan2: Math.atan2,
  reluBackward: (g, y) => (y <= 0 ? 0 : g),
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
  logicalAnd: (a, b) => +(a !== 0 && b !== 0),
  logicalOr: (a, b) => +(a !== 0 || b !== 0),
  logicalXor: (a, b) => +((a !== 0) !== (b !== 0)),
};

export const arrayBackend: Backend = {
  name: 'array',
  alloc: (dtype, size) => new ArrayStorage(arrayBackend, dtype, new Array(size).fill(0)),
  fromArray: (data, dtype) => new ArrayStorage(arrayBackend, dtype, Array.from(data)),
  read(x) {
    const out = new (
      x.dtype === 'float32'
        ? Float32Array
        : x.dtype === 'int32'
          ? Int32Array
          : x.dtype === 'uint8' || x.dtype === 'bool'
            ? Uint8Array
            : Float64Array
    )(numel(x.shape));
    let k = 0;
    for (const idx of indices(x.shape)) out[k++] = at(x, idx);
    return out as TypedArray;
  },
  dispose(s) {
    (s as ArrayStorage).values = [];
  },
  copy: (x, dtype) => map([x], dtype, (a) => a),
  write(dst, src) {
    const d = vals(dst.storage);
    for (const idx of indices(dst.shape))
      d[dst.offset + idx.reduce((o, i, k) => o + i * dst.strides[k], 0)] = cast(
        at(src, idx),
        dst.dtype,
      );
  },
  fill(dst, value) {
    const d = vals(dst.storage);
    for (const idx of indices(dst.shape))
      d[dst.offset + idx.reduce((o, i, k) => o + i * dst.strides[k], 0)] = cast(value, dst.dtype);
  },
  unary: (op, x, dtype) => map([x], dtype, UN[op]),
  binary: (op, a, b, dtype) => map([a, b], dtype, BIN[op]),
  where: (c, a, b, dtype) => map([c, a, b], dtype, (p, q, r) => (p !== 0 ? q : r)),
  reduce: (op, x, dims, dtype) => reduce(op, x, dims, dtype),
  argReduce: (op, x, dim) => argReduce(op, x, dim),
  cumulative(op, x, dim, dtype) {
    const out: number[] = [];
    for (const idx of indices(x.shape)) {
      let acc = op === 'cumsum' ? 0 : 1;
      for (let j = 0; j <= idx[dim]; j++) {
        const v = at(
          x,
          idx.map((i, d) => (d === dim ? j : i)),
        );
        acc = op === 'cumsum' ? acc + v : acc * v;
      }
      out.push(cast(acc, dtype));
    }
    return new ArrayStorage(arrayBackend, dtype, out);
  },
  matmul(a, b, dtype) {
    const nd = a.shape.length;
    const K = a.shape[nd - 1];
    const shape = [...a.shape.slice(0, -1), b.shape[nd - 1]];
    const out: number[] = [];
    for (const idx of indices(shape)) {
      let acc = 0;
      for (let k = 0; k < K; k++) {
        acc += at(a, [...idx.slice(0, -1), k]) * at(b, [...idx.slice(0, -2), k, idx[nd - 1]]);
      }
      out.push(cast(acc, dtype));
    }
    return new ArrayStorage(arrayBackend, dtype, out);
  },
  gather(x, dim, index) {
    const out: number[] = [];
    for (const idx of indices(index.shape))
      out.push(
        at(
          x,
          idx.map((i, d) => (d === dim ? at(index, idx) : i)),
        ),
      );
    return new ArrayStorage(arrayBackend, x.dtype, out);
  },
  scatter: (x, dim, index, src, reduceOp, includeSelf) =>
    scatter(x, dim, index, src, reduceOp, includeSelf),
  sort(x, dim, descending) {
    const values: number[] = new Array(numel(x.shape));
    const order: number[] = new Array(values.length);
    const strides = x.shape.map((_, d) => numel(x.shape.slice(d + 1)));
    for (const idx of indices(x.shape)) {
      if (idx[dim] !== 0) continue;
      const line = Array.from({ length: x.shape[dim] }, (_, j) => ({
        j,
        v: at(
          x,
          idx.map((i, d) => (d === dim ? j : i)),
        ),
      }));
      const key = (v: number) => (Number.isNaN(v) ? Infinity : v);
      line.sort((p, q) => {
        const diff =
          Number.isNaN(p.v) !== Number.isNaN(q.v)
            ? Number.isNaN(p.v)
              ? 1
              : -1
            : key(p.v) - key(q.v) || 0;
        return descending ? -diff : diff;
      });
      line.forEach((e, j) => {
        const o = idx.reduce((acc, i, d) => acc + (d === dim ? j : i) * strides[d], 0);
        values[o] = e.v;
        order[o] = e.j;
      });
    }
    return [
      new ArrayStorage(arrayBackend, x.dtype, values),
      new ArrayStorage(arrayBackend, 'int64', order),
    ];
  },
};

function map(inputs: View[], dtype: DType, f: (...xs: number[]) => number): Storage {
  const out: number[] = [];
  for (const idx of indices(inputs[0].shape))
    out.push(cast(f(...inputs.map((v) => at(v, idx))), dtype));
  return new ArrayStorage(arrayBackend, dtype, out);
}

function reduce(op: ReduceOp, x: View, dims: readonly number[], dtype: DType): Storage {
  const kept = x.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const groups = new Map<string, number[]>();
  for (const idx of indices(kept.map((d) => x.shape[d]))) groups.set(idx.join(','), []);
  for (const idx of indices(x.shape))
    groups.get(kept.map((d) => idx[d]).join(','))?.push(at(x, idx));
  const fold: Record<ReduceOp, (vs: number[]) => number> = {
    sum: (vs) => vs.reduce((a, b) => a + b, 0),
    prod: (vs) => vs.reduce((a, b) => a * b, 1),
    max: (vs) => (vs.some(Number.isNaN) ? NaN : Math.max(...vs)),
    min: (vs) => (vs.some(Number.isNaN) ? NaN : Math.min(...vs)),
    any: (vs) => +vs.some((v) => v !== 0),
    all: (vs) => +vs.every((v) => v !== 0),
  };
  return new ArrayStorage(
    arrayBackend,
    dtype,
    [...groups.values()].map((vs) => cast(fold[op](vs), dtype)),
  );
}

function argReduce(op: ArgReduceOp, x: View, dim: number): Storage {
  const out: number[] = [];
  const outShape = x.shape.filter((_, d) => d !== dim);
  for (const idx of indices(outShape)) {
    const full = (j: number) => [...idx.slice(0, dim), j, ...idx.slice(dim)];
    let best = 0;
    for (let j = 0; j < x.shape[dim]; j++) {
      const v = at(x, full(j));
      const b = at(x, full(best));
      if (Number.isNaN(b)) break;
      if (Number.isNaN(v) || (op === 'argmax' ? v > b : v < b)) best = j;
    }
    out.push(best);
  }
  return new ArrayStorage(arrayBackend, 'int64', out);
}

function scatter(
  x: View,
  dim: number,
  index: View,
  src: View,
  op: ScatterReduce,
  includeSelf: boolean,
): Storage {
  const out = vals(map([x], x.dtype, (a) => a));
  const strides = x.shape.map((_, d) => numel(x.shape.slice(d + 1)));
  const hits = new Map<number, number[]>();
  for (const idx of indices(index.shape)) {
    const o = idx.reduce((acc, i, d) => acc + (d === dim ? at(index, idx) : i) * strides[d], 0);
    if (op === 'none') out[o] = cast(at(src, idx), x.dtype);
    else hits.set(o, [...(hits.get(o) ?? []), at(src, idx)]);
  }
  for (const [o, vs] of hits) {
    const all = includeSelf ? [out[o], ...vs] : vs;
    const r =
      op === 'sum'
        ? all.reduce((a, b) => a + b, 0)
        : op === 'prod'
          ? all.reduce((a, b) => a * b, 1)
          : op === 'mean'
            ? all.reduce((a, b) => a + b, 0) / all.length
            : op === 'amax'
              ? Math.max(...all)
              : Math.min(...all);
    out[o] = cast(op === 'mean' && !isFloating(x.dtype) ? Math.floor(r) : r, x.dtype);
  }
  return new ArrayStorage(arrayBackend, x.dtype, out);
}
