import type { Backend, Storage, View } from '../backend';
import type { DType, TypedArray } from '../dtype';
import { arrayCtor } from '../dtype';
import { contiguousStrides, numelOf } from '../shape';
import { withComplex } from './complex';
import { conv } from './conv';
import { BINARY, type Expr, IDENTITY, mapInto, UNARY, WHERE } from './elementwise';
import { gather, scatterInto, sort } from './indexing';
import { lstmCell, lstmCellBackward } from './lstm';
import { matmul } from './matmul';
import { batchNorm, batchNormBackward } from './norm';
import { adamStep, sgdStep } from './optim';
import { argReduce, cumulative, reduce, softmax } from './reduce';
import {
  allocArray,
  allocUninit,
  CpuStorage,
  dataOf,
  Reinterpreted,
  recycle,
  reinterpret,
} from './storage';
import { avgPool, col2im, im2col, maxPool, maxPoolBackward } from './windows';

function wrap(data: TypedArray, dtype: DType): CpuStorage {
  return new CpuStorage(cpuBackend, dtype, data);
}

/** A WebAssembly kernel's float32 result as a storage, or its null (declined) passed on. */
const wrapF32 = (data: Float32Array | null) => data && wrap(data, 'float32');

/** A fresh contiguous storage of `shape` filled by evaluating `expr` over `inputs`. */
function map(expr: Expr, inputs: readonly View[], dtype: DType): CpuStorage {
  const shape = inputs[0].shape;
  const out = wrap(allocUninit(dtype, numelOf(shape)), dtype);
  mapInto(
    expr,
    { storage: out, dtype, shape, strides: contiguousStrides(shape), offset: 0 },
    inputs,
  );
  return out;
}

/** The reference backend: typed arrays and generated strided loops; complex through ./complex. */
export const cpuBackend: Backend = withComplex({
  name: 'cpu',
  alloc: (dtype, size) => wrap(allocArray(dtype, size), dtype),
  fromArray: (data, dtype) => wrap(new (arrayCtor(dtype))(data), dtype),
  read(x) {
    const isWhole = x.offset === 0 && numelOf(x.shape) === x.storage.size;
    if (
      isWhole &&
      contiguousStrides(x.shape).every((s, d) => s === x.strides[d] || x.shape[d] === 1)
    ) {
      return dataOf(x.storage).slice();
    }
    return dataOf(map(IDENTITY, [x], x.dtype));
  },
  reinterpret,
  dispose(storage: Storage) {
    const s = storage instanceof Reinterpreted ? storage.whole : (storage as CpuStorage);
    if (!s.disposed) recycle(s.data);
    s.data = allocArray(storage.dtype, 0);
    s.disposed = true;
  },
  copy: (x, dtype) => map(IDENTITY, [x], dtype),
  write: (dst, src) => mapInto(IDENTITY, dst, [src]),
  fill(dst, value) {
    const scalar = wrap(allocArray(dst.dtype, 1).fill(value), dst.dtype);
    mapInto(IDENTITY, dst, [
      {
        storage: scalar,
        dtype: dst.dtype,
        shape: dst.shape,
        strides: dst.shape.map(() => 0),
        offset: 0,
      },
    ]);
  },
  unary: (op, x, dtype) => map(UNARY[op], [x], dtype),
  binary: (op, a, b, dtype) => map(BINARY[op], [a, b], dtype),
  binaryInto: (op, dst, a, b) => mapInto(BINARY[op], dst, [a, b]),
  where: (cond, a, b, dtype) => map(WHERE, [cond, a, b], dtype),
  reduce: (op, x, dims, dtype) => wrap(reduce(op, x, dims, dtype), dtype),
  argReduce: (op, x, dim) => wrap(argReduce(op, x, dim), 'int64'),
  cumulative: (op, x, dim, dtype) => wrap(cumulative(op, x, dim, dtype), dtype),
  matmul: (a, b, dtype) => wrap(matmul(a, b, dtype), dtype),
  gather: (x, dim, index) => wrap(gather(x, dim, index), x.dtype),
  scatter(x, dim, index, src, reduceOp, includeSelf) {
    const out = map(IDENTITY, [x], x.dtype);
    scatterInto(out.data, x.shape, x.dtype, dim, index, src, reduceOp, includeSelf);
    return out;
  },
  im2col: (x, g, padValue) => wrap(im2col(x, g, padValue), x.dtype),
  col2im: (cols, g) => wrap(col2im(cols, g), cols.dtype),
  maxPool(x, g, withValues) {
    const { values, indices } = maxPool(x, g, withValues);
    return [values && wrap(values, x.dtype), wrap(indices, 'int64')];
  },
  maxPoolBackward: (grad, indices, inputShape) =>
    wrap(maxPoolBackward(grad, indices, inputShape), grad.dtype),
  avgPool: (x, g, d) => wrapF32(avgPool(x, g, d, false)),
  avgPoolBackward: (grad, g, d) => wrapF32(avgPool(grad, g, d, true)),
  softmax: (x, dim, log) => wrapF32(softmax(x, dim, log)),
  lstmCell(inputGates, hiddenGates, cx) {
    const [hy, cy, ws] = lstmCell(inputGates, hiddenGates, cx);
    return [wrap(hy, cx.dtype), wrap(cy, cx.dtype), wrap(ws, cx.dtype)];
  },
  lstmCellBackward(gradHy, gradCy, cx, cy, workspace) {
    const [dg, dc] = lstmCellBackward(gradHy, gradCy, cx, cy, workspace);
    return [wrap(dg, cx.dtype), wrap(dc, cx.dtype)];
  },
  batchNorm(x, weight, bias, eps) {
    const r = batchNorm(x, weight, bias, eps);
    return [wrap(r.out, x.dtype), wrap(r.mean, x.dtype), wrap(r.invstd, x.dtype)];
  },
  batchNormBackward(grad, x, mean, invstd, weight) {
    const r = batchNormBackward(grad, x, mean, invstd, weight);
    return [wrap(r.dx, x.dtype), wrap(r.dweight, x.dtype), wrap(r.dbias, x.dtype)];
  },
  conv2d: (x, weight, bias, g) =>
    conv('forward', g, weight.shape[0], x, weight, bias, [g.n, weight.shape[0], ...g.out]),
  conv2dInputGrad: (grad, weight, g) =>
    conv('inputGrad', g, weight.shape[0], grad, weight, null, [g.n, g.c, g.h, g.w]),
  conv2dWeightGrad: (grad, x, g) =>
    conv('weightGrad', g, grad.shape[1], x, grad, null, [grad.shape[1], g.c, ...g.kernel]),
  sgdStep,
  adamStep,
  sort(x, dim, descending) {
    const [values, indices] = sort(x, dim, descending);
    return [wrap(values, x.dtype), wrap(indices, 'int64')];
  },
});
