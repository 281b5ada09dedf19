import { readFileSync } from 'node:fs';
import type { DType, TypedArray } from '@tensile/tensor';
import { DatasetError } from '../errors';
import { inflate, inflateHead, isGzip } from './files';

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

/** The header at the start of `bytes`: the type, the shape, and the bytes the whole file takes. */
function idxHeader(bytes: Uint8Array, what: string) {
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
  const count = shape.reduce((a, b) => a * b, 1);
  return { type, header, shape, count, expected: header + count * type[0] };
}

/** The longest IDX header: magic and four sizes. */
const MAX_HEADER = 4 + 4 * 4;

/** Parses IDX bytes (big-endian): magic 0 0 type ndim, ndim int32 sizes, then the values. */
export function parseIdx(bytes: Uint8Array, what: string): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { type, header, shape, count, expected } = idxHeader(bytes, what);
  if (bytes.length !== expected) {
    throw new DatasetError(
      `${what} is ${bytes.length < expected ? 'truncated' : 'corrupt'}: an IDX array of shape [${shape.join(', ')}] needs ${expected} bytes, the file has ${bytes.length}`,
    );
  }
  const [size, dtype, read] = type;
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

/**
 * Reads an IDX file, gzipped or not. A gzipped one is inflated only as far as its header
 * declares (a 512 KB .gz had inflated 547 MB before the size check).
 */
export function readIdx(path: string): IdxArray {
  const what = `'${path}'`;
  const bytes = readFileSync(path);
  if (!isGzip(bytes)) return parseIdx(bytes, what);
  const head = inflateHead(bytes, MAX_HEADER);
  // A stream too damaged to show a header: a bounded inflate names the damage.
  if (head.length < 4) return parseIdx(inflate(bytes, what, { maxBytes: MAX_HEADER }), what);
  return parseIdx(inflate(bytes, what, { maxBytes: idxHeader(head, what).expected }), what);
}
