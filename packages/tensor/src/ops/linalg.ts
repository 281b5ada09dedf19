import { apply } from '../dispatch';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { broadcastShapes } from '../shape';
import type { Tensor } from '../tensor';
import { wrapStorage } from '../tensor-base';
import { checkSameDevice } from './broadcast';
import { arange, zeros } from './create';
import * as E from './elementwise';
import { cat } from './joining';
import * as R from './reduce';
import * as V from './views';

/** The one matmul primitive: [...batch, M, K] x [...batch, K, N] with equal batch dims. */
function batchedMatmul(a: Tensor, b: Tensor): Tensor {
  const nd = a.ndim;
  const shape = [...a.shape.slice(0, -1), b.shape[nd - 1]];
  return apply('matmul', [a, b], {}, () =>
    wrapStorage(a.storage.backend.matmul(a, b, a.dtype), shape),
  );
}

/** Matrix products do not promote: PyTorch requires both operands to share a dtype. */
function sameDtype(op: string, a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (a.dtype === 'bool' || b.dtype === 'bool')
    throw new DTypeError(`${op}: not implemented for 'bool' tensors`);
  if (a.dtype !== b.dtype) {
    throw new DTypeError(
      `${op}: expected both operands to have the same dtype, but found ${a.dtype} and ${b.dtype}`,
    );
  }
  checkSameDevice(op, a, b);
  return [a, b];
}

function innerMismatch(op: string, a: Tensor, b: Tensor, k1: number, k2: number): ShapeError {
  const rows = (t: Tensor) =>
    t.ndim === 1
      ? `${t.shape[0]}`
      : `${t.shape.slice(0, -1).reduce((x, y) => x * y, 1)}x${t.shape[t.ndim - 1]}`;
  return new ShapeError(
    `${op}: mat1 and mat2 shapes cannot be multiplied (${rows(a)} and ${b.ndim >= 2 ? `${b.shape[b.ndim - 2]}x${b.shape[b.ndim - 1]}` : b.shape[0]}); inner dimensions ${k1} and ${k2} differ (shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)})`,
  );
}

/**
 * The matrix product of a [n, k] and b [k, m]: [n, m] (torch.mm). Both must have one dtype (no
 * promotion, as PyTorch's) and not be bool.
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2)
    throw new ShapeError(
      `mm: expected 2-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  if (a.shape[1] !== b.shape[0]) throw innerMismatch('mm', a, b, a.shape[1], b.shape[0]);
  return batchedMatmul(...sameDtype('mm', a, b));
}

/**
 * The batched matrix product of a [B, n, k] and b [B, k, m]: [B, n, m] (torch.bmm); no
 * broadcasting, and one dtype for both.
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3)
    throw new ShapeError(
      `bmm: batch1 and batch2 must be 3D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  if (a.shape[0] !== b.shape[0])
    throw new ShapeError(
      `bmm: batch1 and batch2 must have same number of batches, got ${a.shape[0]} and ${b.shape[0]} (shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)})`,
    );
  if (a.shape[2] !== b.shape[1]) throw innerMismatch('bmm', a, b, a.shape[2], b.shape[1]);
  return batchedMatmul(...sameDtype('bmm', a, b));
}

/**
 * torch.matmul: the dot product of two vectors (0-d), matrix-vector and vector-matrix products, and
 * matrix products batched over the leading dims, which broadcast. A 1-D operand is taken as a row
 * (left) or column (right) and that dim is removed from the result. Both operands must have one
 * dtype.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `matmul: both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`,
    );
  }
  const [A, B] = sameDtype('matmul', a, b);
  const ka = A.shape[A.ndim - 1];
  const kb = B.ndim === 1 ? B.shape[0] : B.shape[B.ndim - 2];
  if (ka !== kb) throw innerMismatch('matmul', a, b, ka, kb);
  const a2 = A.ndim === 1 ? V.unsqueeze(A, 0) : A;
  const b2 = B.ndim === 1 ? V.unsqueeze(B, 1) : B;
  const batch = broadcastBatch(a, b, a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const ea = V.expand(a2, [...batch, ...a2.shape.slice(-2)]);
  const eb = V.expand(b2, [...batch, ...b2.shape.slice(-2)]);
  let out = batchedMatmul(ea, eb);
  if (A.ndim === 1) out = V.squeeze(out, -2);
  if (B.ndim === 1) out = V.squeeze(out, -1);
  return out;
}

function broadcastBatch(
  a: Tensor,
  b: Tensor,
  batchA: readonly number[],
  batchB: readonly number[],
): number[] {
  try {
    return broadcastShapes('matmul', batchA, batchB);
  } catch {
    throw new ShapeError(
      `matmul: batch dimensions of ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be broadcast together (${fmtShape(batchA)} vs ${fmtShape(batchB)})`,
    );
  }
}

/** The inner product of two 1-D tensors of one size and dtype, as a 0-d tensor (torch.dot). */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1)
    throw new ShapeError(`dot: 1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError(
      `dot: inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`,
    );
  }
  return matmul(...sameDtype('dot', a, b));
}

/**
 * The outer product of two 1-D tensors, a[i] * b[j] as an [n, m] matrix (torch.outer); the dtype is
 * promoted.
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1)
    throw new ShapeError(`outer: expected 1D tensors, got ${a.ndim}D and ${b.ndim}D`);
  return E.mul(V.unsqueeze(a, 1), V.unsqueeze(b, 0));
}

/** The sum of a matrix's main diagonal, as a 0-d tensor (torch.trace); integers sum to int64. */
export function trace(x: Tensor): Tensor {
  if (x.ndim !== 2)
    throw new ShapeError(`trace: expected a matrix, but got tensor with dim ${x.ndim}`);
  return R.sum(V.diagonal(x));
}

/** A [rows, cols] bool mask of positions whose col - row compares to k as `keep` says. */
function bandMask(
  rows: number,
  cols: number,
  k: number,
  keep: 'upper' | 'lower' | 'diag',
  device: string,
): Tensor {
  const delta = E.sub(
    V.unsqueeze(arange(cols, undefined, 1, { device }), 0),
    V.unsqueeze(arange(rows, undefined, 1, { device }), 1),
  );
  return keep === 'upper' ? E.ge(delta, k) : keep === 'lower' ? E.le(delta, k) : E.eq(delta, k);
}

/**
 * x with the elements below diagonal `diagonal` of its last two dims zeroed (torch.triu): 0 keeps
 * the main diagonal, > 0 starts above it, < 0 below. A copy; leading dims are a batch.
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  if (x.ndim < 2)
    throw new ShapeError(`triu: input tensor must have at least 2 dimensions, got ${x.ndim}`);
  return E.where(
    bandMask(x.shape[x.ndim - 2], x.shape[x.ndim - 1], diagonal, 'upper', x.device),
    x,
    0,
  ).to(x.dtype);
}

/**
 * x with the elements above diagonal `diagonal` of its last two dims zeroed (torch.tril): 0 keeps
 * the main diagonal, > 0 also keeps some above it, < 0 drops some below. A copy; leading dims are a
 * batch.
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  if (x.ndim < 2)
    throw new ShapeError(`tril: input tensor must have at least 2 dimensions, got ${x.ndim}`);
  return E.where(
    bandMask(x.shape[x.ndim - 2], x.shape[x.ndim - 1], diagonal, 'lower', x.device),
    x,
    0,
  ).to(x.dtype);
}

/** Places the last dim of x on a diagonal of two new dims (composite, so it differentiates). */
export function diagEmbed(x: Tensor, offset = 0, dim1 = -2, dim2 = -1): Tensor {
  const n = x.shape[x.ndim - 1] + Math.abs(offset);
  const lead = x.shape.slice(0, -1);
  const padded = offset === 0 ? x : padLast(x, Math.abs(offset));
  // out[..., i, j] = padded[..., i] when j - i = offset >= 0, padded[..., j] when offset < 0.
  const mask = bandMask(n, n, offset, 'diag', x.device);
  const values = offset >= 0 ? V.unsqueeze(padded, -1) : V.unsqueeze(padded, -2);
  const out = E.where(mask, V.expand(values, [...lead, n, n]), 0).to(x.dtype);
  const nd = out.ndim;
  const d1 = dim1 < 0 ? dim1 + nd : dim1;
  const d2 = dim2 < 0 ? dim2 + nd : dim2;
  return d1 === nd - 2 && d2 === nd - 1 ? out : V.movedim(out, [nd - 2, nd - 1], [d1, d2]);
}

function padLast(x: Tensor, k: number): Tensor {
  return cat([x, zeros([...x.shape.slice(0, -1), k], { dtype: x.dtype, device: x.device })], -1);
}

/**
 * torch.diag: a 1-D x placed on diagonal `diagonal` of a new square matrix (zeros elsewhere), or
 * the diagonal `diagonal` of a 2-D x copied out as a 1-D tensor.
 */
export function diag(x: Tensor, diagonal = 0): Tensor {
  if (x.ndim === 1) return diagEmbed(x, diagonal);
  if (x.ndim === 2) return V.diagonal(x, diagonal).clone();
  throw new ShapeError(`diag: matrix or a vector expected, got ${x.ndim}D`);
}
