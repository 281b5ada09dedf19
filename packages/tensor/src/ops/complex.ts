/**
 * Complex tensors' own ops: the views between a complex tensor and its real parts, and the
 * functions PyTorch defines on complex numbers. Arithmetic, matmul and sums on complex tensors
 * are the ordinary ops (the CPU backend computes them from the parts, cpu/complex.ts).
 */
import { getDefaultDtype } from '../defaults';
import { checkComplexDevice } from '../devices';
import { apply } from '../dispatch';
import { complexDtypeOf, type DType, isComplex, isFloating, realPartDtype } from '../dtype';
import { DTypeError, fmtShape, ShapeError, TensileError } from '../errors';
import { broadcastShapes } from '../shape';
import type { Tensor } from '../tensor';
import { newTensor } from '../tensor-base';
import { zeros } from './create';
import * as E from './elementwise';
import * as J from './joining';
import * as V from './views';

/** The storage of `x` read as `dtype`, one side of it complex (complex tensors are CPU-only). */
function reinterpreted(op: string, x: Tensor, dtype: DType): Tensor['storage'] {
  checkComplexDevice(op, complexDtypeOf(dtype), x.device);
  const be = x.storage.backend;
  if (!be.reinterpret) throw new TensileError(`${op}: backend '${be.name}' has no complex dtypes`);
  return be.reinterpret(x.storage, dtype);
}

/** A view of its base's storage under another dtype; views of views keep the first base. */
function reinterpretView(
  x: Tensor,
  storage: Tensor['storage'],
  shape: number[],
  strides: number[],
  offset: number,
): Tensor {
  const v = newTensor(storage, shape, strides, offset);
  v.base = x.base ?? x;
  return v;
}

/**
 * A complex tensor's numbers as a real tensor with a last dim of 2 (real, imaginary), sharing
 * its memory (torch.view_as_real): a write to one is seen in the other.
 */
export function viewAsReal(z: Tensor): Tensor {
  if (!isComplex(z.dtype))
    throw new DTypeError(
      `viewAsReal: view_as_real is only supported for complex tensors (got ${z.dtype})`,
    );
  const dtype = realPartDtype(z.dtype);
  return apply('viewAsReal', [z], {}, () =>
    reinterpretView(
      z,
      reinterpreted('viewAsReal', z, dtype),
      [...z.shape, 2],
      [...z.strides.map((s) => 2 * s), 1],
      2 * z.offset,
    ),
  );
}

/**
 * A float32/float64 tensor whose last dim holds (real, imaginary) pairs as a complex tensor of
 * the other dims, sharing its memory (torch.view_as_complex). The pairs must be adjacent.
 */
export function viewAsComplex(x: Tensor): Tensor {
  if (!isFloating(x.dtype))
    throw new DTypeError(
      `viewAsComplex: view_as_complex is only supported for float and double tensors, but got a tensor of dtype ${x.dtype}`,
    );
  const last = x.ndim - 1;
  const problem =
    x.ndim === 0
      ? 'Input tensor must have one or more dimensions'
      : x.shape[last] !== 2
        ? 'Tensor must have a last dimension of size 2'
        : x.strides[last] !== 1
          ? 'Tensor must have a last dimension with stride 1'
          : x.strides.slice(0, last).some((s) => s % 2 !== 0)
            ? 'Tensor must have a stride divisible by 2 for all but last dimension'
            : x.offset % 2 !== 0
              ? 'Tensor must have a storage_offset divisible by 2'
              : null;
  if (problem !== null)
    throw new ShapeError(
      `viewAsComplex: ${problem} (got shape ${fmtShape(x.shape)}, strides ${fmtShape(x.strides)}, storage offset ${x.offset})`,
    );
  const dtype = complexDtypeOf(x.dtype);
  return apply('viewAsComplex', [x], {}, () =>
    reinterpretView(
      x,
      reinterpreted('viewAsComplex', x, dtype),
      x.shape.slice(0, last),
      x.strides.slice(0, last).map((s) => s / 2),
      x.offset / 2,
    ),
  );
}

/**
 * The complex tensor real + i imag (torch.complex): both float32 or both float64, broadcast
 * together; complex64 or complex128.
 */
export function complex(real: Tensor, imag: Tensor): Tensor {
  if (!isFloating(real.dtype) || !isFloating(imag.dtype))
    throw new DTypeError(
      `complex: Expected both inputs to be Float or Double tensors but got ${real.dtype} and ${imag.dtype}`,
    );
  if (real.dtype !== imag.dtype)
    throw new DTypeError(
      `complex: Expected object of scalar type ${real.dtype} but got scalar type ${imag.dtype} for second argument`,
    );
  const dtype = complexDtypeOf(real.dtype);
  checkComplexDevice('complex', dtype, real.device);
  // A tensor of its own, not a view of a stacked float tensor: in-place ops and scopes see
  // an ordinary complex tensor.
  return apply('complex', [real, imag], {}, () => {
    const shape = broadcastShapes('complex', real.shape, imag.shape);
    const out = zeros(shape, { dtype, device: real.device });
    const parts = viewAsReal(out);
    V.select(parts, -1, 0).copy_(real);
    V.select(parts, -1, 1).copy_(imag);
    return out;
  });
}

/** abs * (cos(angle) + i sin(angle)) (torch.polar): float32 or float64 of one dtype. */
export function polar(abs: Tensor, angle: Tensor): Tensor {
  if (abs.dtype !== angle.dtype || !isFloating(abs.dtype))
    throw new DTypeError(
      `polar: Expected both inputs to be Float or Double tensors of one dtype but got ${abs.dtype} and ${angle.dtype}`,
    );
  return complex(E.mul(abs, E.cos(angle)), E.mul(abs, E.sin(angle)));
}

/** The real parts of a complex tensor as a view (torch.real); a real tensor itself. */
export function real(z: Tensor): Tensor {
  return isComplex(z.dtype) ? V.select(viewAsReal(z), -1, 0) : z;
}

/** The imaginary parts of a complex tensor as a view (torch.imag); real tensors are refused. */
export function imag(z: Tensor): Tensor {
  if (!isComplex(z.dtype))
    throw new DTypeError('imag: imag is not implemented for tensors with non-complex dtypes.');
  return V.select(viewAsReal(z), -1, 1);
}

/**
 * The complex conjugate (torch.conj); a real tensor itself. PyTorch returns a lazy view with its
 * conjugate bit set; this is a new tensor with the same values.
 */
export function conj(z: Tensor): Tensor {
  return isComplex(z.dtype) ? complex(real(z), E.neg(imag(z))) : z;
}

/**
 * Each element's argument in radians (torch.angle): atan2(imag, real) for complex tensors, in
 * their parts' dtype; for real ones pi where negative, 0 elsewhere, NaN kept, as a float.
 */
export function angle(z: Tensor): Tensor {
  if (isComplex(z.dtype)) return E.atan2(imag(z), real(z));
  if (z.dtype === 'bool') throw new DTypeError("angle: not implemented for 'bool' tensors");
  const x = isFloating(z.dtype) ? z : z.to(getDefaultDtype());
  return E.where(E.isnan(x), x, E.where(E.lt(x, 0), Math.PI, 0).to(x.dtype));
}

/**
 * The real 2n x 2n matrices [[X, -Y], [Y, X]] of complex matrices X + iY: a product, an inverse
 * or a solve of these is the complex one's, so the real linear algebra computes them.
 */
export function realEmbedding(a: Tensor): Tensor {
  const [x, y] = [real(a), imag(a)];
  return J.cat([J.cat([x, E.neg(y)], -1), J.cat([y, x], -1)], -2);
}

/** The complex matrices whose embeddings' first n columns are `e`'s (rows n.. the imaginary). */
export function fromEmbedding(e: Tensor, n: number): Tensor {
  const top = V.narrow(e, -2, 0, n);
  const bottom = V.narrow(e, -2, n, n);
  return complex(top, bottom);
}
