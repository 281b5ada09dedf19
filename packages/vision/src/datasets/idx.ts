import type { DType, TypedArray } from '@tensile/tensor';
import { DatasetError } from '../errors';
import { readMaybeGzip } from './files';

/** An IDX file's contents (the MNIST format, LeCun's "sn3 pascalvincent" tensors). */
export interface IdxArray {
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

// type code -> [bytes per value, Tensile dtype, reader]; int8/int16 widen to int32.
const TYPES: Record<number, [number, DType, (v: DataView, o: number) => number]> = {
  8: [1, 'uint8', (v, o) => v.getUint8(o)],
  9: [1, 'int32', (v, o) => v.getInt8(o)],
  11: [2, 'int32', (v, o) => v.getInt16(o)],
  12: [4, 'int32', (v, o) => v.getInt32(o)],
  13: [4, 'float32', (v, o) => v.getFloat32(o)],
  14: [8, 'float64', (v, o) => v.getFloat64(o)],
};

/** Parses IDX bytes (big-endian): magic 0 0 type ndim, ndim int32 sizes, then the values. */
export function parseIdx(bytes: Uint8Array, what: string): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = TYPES[bytes[2]];
  const ndim = bytes[3];
  if (
    bytes.length < 4 ||
    bytes[0] !== 0 ||
    bytes[1] !== 0 ||
    type === undefined ||
    ndim < 1 ||
    ndim > 4
  ) {
    throw new DatasetError(
      `${what} is not an IDX file (bad magic number ${[...bytes.subarray(0, 4)].join(' ')})`,
    );
  }
  const header = 4 + 4 * ndim;
  if (bytes.length < header)
    throw new DatasetError(
      `${what} is truncated: the IDX header needs ${header} bytes, the file has ${bytes.length}`,
    );
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const [size, dtype, read] = type;
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = header + count * size;
  if (bytes.length !== expected) {
    throw new DatasetError(
      `${what} is ${bytes.length < expected ? 'truncated' : 'corrupt'}: an IDX array of shape [${shape.join(', ')}] needs ${expected} bytes, the file has ${bytes.length}`,
    );
  }
  if (dtype === 'uint8') return { dtype, shape, data: bytes.slice(header) };
  const data =
    dtype === 'float32'
      ? new Float32Array(count)
      : dtype === 'float64'
        ? new Float64Array(count)
        : new Int32Array(count);
  for (let i = 0; i < count; i++) data[i] = read(view, header + i * size);
  return { dtype, shape, data };
}

/** Reads an IDX file, gzipped or not. */
export function readIdx(path: string): IdxArray {
  return parseIdx(readMaybeGzip(path), `'${path}'`);
}
