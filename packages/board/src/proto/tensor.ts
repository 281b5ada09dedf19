import { type Field, fields, ProtoWriter, readRepeated, toInt32, toInt64 } from './wire';

/** tensorflow.DataType values used in summaries. */
export const DataType = {
  FLOAT: 1,
  DOUBLE: 2,
  INT32: 3,
  UINT8: 4,
  INT16: 5,
  INT8: 6,
  STRING: 7,
  INT64: 9,
  BOOL: 10,
  UINT16: 17,
  HALF: 19,
  UINT32: 22,
  UINT64: 23,
} as const;

/**
 * A TensorProto. `shape` undefined means no tensor_shape field; `[]` a present, empty
 * shape (a rank-0 tensor), as PyTorch writes for custom-scalar layouts.
 */
export interface TensorProto {
  dtype: number;
  shape?: number[];
  /** Numeric elements, row-major (from *_val fields or tensor_content). */
  values: number[];
  /** Elements of a DT_STRING tensor. */
  strings: Uint8Array[];
}

export function encodeTensorShape(shape: readonly number[]): Uint8Array {
  const w = new ProtoWriter();
  for (const size of shape) w.message(2, new ProtoWriter().varint(1, size).finish());
  return w.finish();
}

export function encodeTensor(t: TensorProto): Uint8Array {
  const w = new ProtoWriter().varint(1, t.dtype);
  if (t.shape) w.message(2, encodeTensorShape(t.shape));
  if (t.dtype === DataType.FLOAT) w.packedFloats(5, t.values);
  else if (t.dtype === DataType.DOUBLE) w.packedDoubles(6, t.values);
  else if (t.dtype === DataType.STRING) for (const s of t.strings) w.bytes(8, s, true);
  else throw new RangeError(`encodeTensor: unsupported dtype ${t.dtype}`);
  return w.finish();
}

export function decodeTensorShape(data: Uint8Array): number[] {
  const shape: number[] = [];
  for (const f of fields(data)) {
    if (f.field !== 2) continue;
    let size = 0;
    for (const d of fields(f.bytes)) if (d.field === 1) size = toInt64(d.varint);
    shape.push(size);
  }
  return shape;
}

type ElementReader = [width: number, read: (v: DataView, offset: number) => number];

// tensor_content is the raw little-endian element buffer; these say how to read each dtype.
const CONTENT_READERS: Record<number, ElementReader> = {
  [DataType.FLOAT]: [4, (v, o) => v.getFloat32(o, true)],
  [DataType.DOUBLE]: [8, (v, o) => v.getFloat64(o, true)],
  [DataType.INT32]: [4, (v, o) => v.getInt32(o, true)],
  [DataType.UINT8]: [1, (v, o) => v.getUint8(o)],
  [DataType.INT16]: [2, (v, o) => v.getInt16(o, true)],
  [DataType.INT8]: [1, (v, o) => v.getInt8(o)],
  [DataType.INT64]: [8, (v, o) => Number(v.getBigInt64(o, true))],
  [DataType.BOOL]: [1, (v, o) => v.getUint8(o)],
  [DataType.UINT16]: [2, (v, o) => v.getUint16(o, true)],
  [DataType.HALF]: [2, (v, o) => halfToFloat(v.getUint16(o, true))],
  [DataType.UINT32]: [4, (v, o) => v.getUint32(o, true)],
  [DataType.UINT64]: [8, (v, o) => Number(v.getBigUint64(o, true))],
};

export function decodeTensor(data: Uint8Array): TensorProto {
  const t: TensorProto = { dtype: 0, values: [], strings: [] };
  let content: Uint8Array | undefined;
  const halves: number[] = [];
  for (const f of fields(data)) {
    if (f.field === 1) t.dtype = f.varint;
    else if (f.field === 2) t.shape = decodeTensorShape(f.bytes);
    else if (f.field === 4) content = f.bytes;
    else if (f.field === 5) readRepeated(f, t.values, 'float');
    else if (f.field === 6) readRepeated(f, t.values, 'double');
    else if (f.field === 7) readInts(f, t.values, toInt32);
    else if (f.field === 8) t.strings.push(f.bytes);
    else if (f.field === 10) readInts(f, t.values, toInt64);
    else if (f.field === 11 || f.field === 16 || f.field === 17)
      readRepeated(f, t.values, 'varint');
    else if (f.field === 13) readRepeated(f, halves, 'varint');
  }
  for (const h of halves) t.values.push(halfToFloat(h));
  if (content) t.values = decodeContent(t.dtype, content);
  fillToShape(t);
  return t;
}

function readInts(f: Field, out: number[], sign: (v: number) => number): void {
  const raw: number[] = [];
  readRepeated(f, raw, 'varint');
  for (const v of raw) out.push(sign(v));
}

function decodeContent(dtype: number, content: Uint8Array): number[] {
  const reader = CONTENT_READERS[dtype];
  if (!reader) return [];
  const [width, read] = reader;
  const view = new DataView(content.buffer, content.byteOffset, content.length);
  const out: number[] = [];
  for (let o = 0; o + width <= content.length; o += width) out.push(read(view, o));
  return out;
}

// TensorFlow lets a *_val field hold fewer elements than the shape: the last one repeats.
function fillToShape(t: TensorProto): void {
  const count = (t.shape ?? []).reduce((a, b) => a * b, 1);
  const last = t.values[t.values.length - 1];
  if (last !== undefined) while (t.values.length < count) t.values.push(last);
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
