import {
  type DType,
  isComplex,
  itemSize,
  type RealDType,
  type Tensor,
  tensor,
} from '@tensile/tensor';
import { SAFETENSORS_DTYPE, TENSILE_DTYPE } from './dtypes';
import { SerializeError } from './errors';

/** A tensor and the key it is stored under. */
export interface TensorEntry {
  key: string;
  tensor: Tensor;
}

export interface Safetensors {
  metadata: Record<string, string>;
  tensors: Map<string, Tensor>;
}

/** The safetensors library refuses larger headers; so does Tensile, before parsing one. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA = '__metadata__';

// Typed arrays are read and written in the platform's byte order; safetensors is little-endian.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The safetensors layout: an 8-byte little-endian header length, the JSON header (padded with
 * spaces to a multiple of 8), then every tensor's bytes, contiguous and row-major. Larger element
 * types come first so each tensor is aligned to its element size, as the Python library does.
 * Returned as parts, the length and header first, so that a file can be written one tensor at a
 * time (a checkpoint past 2 GiB had been built in memory three times over).
 */
export function encodeSafetensorsParts(
  entries: TensorEntry[],
  metadata: Record<string, string>,
): Uint8Array[] {
  checkByteOrder();
  const blobs = entries
    .map(({ key, tensor: t }) => ({ key, t, bytes: tensorBytes(key, t) }))
    .sort((a, b) => itemSize(b.t.dtype) - itemSize(a.t.dtype));
  const header: Record<string, unknown> = { [METADATA]: metadata };
  let offset = 0;
  for (const { key, t, bytes } of blobs) {
    header[key] = {
      dtype: SAFETENSORS_DTYPE[t.dtype as RealDType],
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const head = new Uint8Array(8 + headerLength);
  new DataView(head.buffer).setBigUint64(0, BigInt(headerLength), true);
  head.fill(0x20, 8);
  head.set(json, 8);
  return [head, ...blobs.map((b) => b.bytes)];
}

/** encodeSafetensorsParts' bytes in one array. */
export function encodeSafetensors(
  entries: TensorEntry[],
  metadata: Record<string, string>,
): Uint8Array {
  const parts = encodeSafetensorsParts(entries, metadata);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Where each tensor lies in a file's data, and its dtype and shape. */
export interface TensorInfo {
  key: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * The header length in a file's first 8 bytes, checked against the file's size: `fileSize` is
 * the whole file's. `where` names the file in errors.
 */
export function headerLength(first8: Uint8Array, fileSize: number, where: string): number {
  const fail = (why: string) => new SerializeError(`${where}: ${why}`);
  if (fileSize < 8)
    throw fail(`${fileSize} bytes is too short for a safetensors file (truncated?)`);
  const n = Number(new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true));
  if (n > MAX_HEADER_BYTES || n > fileSize - 8)
    throw fail(
      `bad header length ${n}: the file has ${fileSize - 8} bytes after the 8-byte length (truncated or not a safetensors file)`,
    );
  return n;
}

/**
 * Parses and checks a header before any tensor is read: JSON, dtypes, shapes, and that the
 * data offsets tile the `dataLength` bytes of data exactly.
 */
export function decodeHeader(
  raw: Uint8Array,
  dataLength: number,
  where: string,
): { metadata: Record<string, string>; infos: TensorInfo[] } {
  checkByteOrder();
  const fail = (why: string) => new SerializeError(`${where}: ${why}`);
  const header = parseHeader(raw, fail);
  const metadata: Record<string, string> = {};
  const infos: TensorInfo[] = [];
  for (const [key, info] of Object.entries(header)) {
    if (key === METADATA) Object.assign(metadata, checkMetadata(info, fail));
    else infos.push({ key, ...checkInfo(key, info, dataLength, fail) });
  }
  // The tensors must cover the data exactly, without gaps or overlaps.
  let covered = 0;
  for (const info of [...infos].sort((a, b) => a.begin - b.begin)) {
    if (info.begin !== covered)
      throw fail(
        `tensor '${info.key}' starts at byte ${info.begin} of the data, expected ${covered} (gap or overlap)`,
      );
    covered = info.end;
  }
  if (covered !== dataLength)
    throw fail(
      `size mismatch: the header describes ${covered} bytes of tensor data but the file has ${dataLength} (truncated or corrupt)`,
    );
  return { metadata, infos };
}

/** Parses and checks a whole safetensors file before building any tensor. */
export function decodeSafetensors(bytes: Uint8Array, where: string): Safetensors {
  const n = headerLength(bytes.subarray(0, 8), bytes.length, where);
  const data = bytes.subarray(8 + n);
  const { metadata, infos } = decodeHeader(bytes.subarray(8, 8 + n), data.length, where);
  const tensors = new Map<string, Tensor>();
  for (const info of infos) {
    // A copy (Node's Buffer.slice would be a view): the typed arrays need an aligned buffer.
    tensors.set(
      info.key,
      tensorFromBytes(info, new Uint8Array(data.subarray(info.begin, info.end)), where),
    );
  }
  return { metadata, tensors };
}

/** The tensor of `info` from its own bytes (an array of exactly its length, at offset 0). */
export function tensorFromBytes(info: TensorInfo, bytes: Uint8Array, where: string): Tensor {
  const fail = (why: string) => new SerializeError(`${where}: ${why}`);
  return tensor(typedArray(info, bytes.buffer as ArrayBuffer, fail), { dtype: info.dtype }).reshape(
    info.shape,
  );
}

function checkByteOrder(): void {
  if (!LITTLE_ENDIAN)
    throw new SerializeError(
      'serialize: big-endian platforms are not supported (safetensors is little-endian)',
    );
}

function tensorBytes(key: string, t: Tensor): Uint8Array {
  if (isComplex(t.dtype))
    throw new SerializeError(
      `serialize: tensor '${key}' is ${t.dtype}, and safetensors has no complex dtype (save it with torch's format, or save viewAsReal(t))`,
    );
  const data = t.dataSync();
  if (t.dtype !== 'int64') return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new BigInt64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isSafeInteger(data[i]))
      throw new SerializeError(
        `serialize: int64 tensor '${key}' holds ${data[i]} at index ${i}, beyond ±(2^53 - 1): Tensile keeps int64 in float64 and cannot write it exactly`,
      );
    out[i] = BigInt(data[i]);
  }
  return new Uint8Array(out.buffer);
}

function parseHeader(
  raw: Uint8Array,
  fail: (why: string) => SerializeError,
): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (e) {
    throw fail(`bad JSON header (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw fail('bad JSON header: not an object');
  return header as Record<string, unknown>;
}

function checkMetadata(
  info: unknown,
  fail: (why: string) => SerializeError,
): Record<string, string> {
  const ok =
    typeof info === 'object' &&
    info !== null &&
    !Array.isArray(info) &&
    Object.values(info).every((v) => typeof v === 'string');
  if (!ok) throw fail('__metadata__ must map strings to strings');
  return info as Record<string, string>;
}

function checkInfo(
  key: string,
  info: unknown,
  dataLength: number,
  fail: (why: string) => SerializeError,
): { dtype: DType; shape: number[]; begin: number; end: number } {
  const { dtype: code, shape, data_offsets: offsets } = (info ?? {}) as Record<string, unknown>;
  const dtype = TENSILE_DTYPE.get(code as string);
  if (dtype === undefined)
    throw fail(
      `tensor '${key}' has dtype ${JSON.stringify(code)}; Tensile reads ${[...TENSILE_DTYPE.keys()].join(', ')}`,
    );
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(count))
    throw fail(`tensor '${key}' has a bad shape ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(count))
    throw fail(`tensor '${key}' has bad data_offsets ${JSON.stringify(offsets)}`);
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength)
    throw fail(
      `tensor '${key}' has data_offsets [${begin}, ${end}] outside the ${dataLength} bytes of data (truncated?)`,
    );
  const expected = shape.reduce((n: number, s: number) => n * s, 1) * itemSize(dtype);
  if (end - begin !== expected)
    throw fail(
      `tensor '${key}' of dtype ${code} and shape [${shape.join(', ')}] needs ${expected} bytes, its data_offsets span ${end - begin}`,
    );
  return { dtype, shape, begin, end };
}

function typedArray(
  info: { key: string; dtype: DType },
  buffer: ArrayBuffer,
  fail: (why: string) => SerializeError,
): Float32Array | Float64Array | Int32Array | Uint8Array {
  switch (info.dtype) {
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'int64':
      return Float64Array.from(new BigInt64Array(buffer), (v, i) => {
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
          throw fail(
            `int64 tensor '${info.key}' holds ${v} at index ${i}, beyond ±(2^53 - 1), which Tensile cannot represent exactly`,
          );
        return Number(v);
      });
    default:
      return new Uint8Array(buffer);
  }
}
