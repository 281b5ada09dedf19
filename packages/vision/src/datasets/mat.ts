import { DatasetError } from '../errors';
import { inflate, inflateHead } from './files';

/** A numeric MATLAB array: its class, dimensions and values in column-major order. */
export interface MatArray {
  className: 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32';
  dims: number[];
  data: Float64Array | Float32Array | Uint8Array | Int32Array;
}

const CLASSES: Record<number, MatArray['className']> = {
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
};

// miINT8 .. miDOUBLE: bytes per value and a little/big-endian reader.
const STORAGE: Record<number, [number, (v: DataView, o: number, le: boolean) => number]> = {
  1: [1, (v, o) => v.getInt8(o)],
  2: [1, (v, o) => v.getUint8(o)],
  3: [2, (v, o, le) => v.getInt16(o, le)],
  4: [2, (v, o, le) => v.getUint16(o, le)],
  5: [4, (v, o, le) => v.getInt32(o, le)],
  6: [4, (v, o, le) => v.getUint32(o, le)],
  7: [4, (v, o, le) => v.getFloat32(o, le)],
  9: [8, (v, o, le) => v.getFloat64(o, le)],
};

const MI_MATRIX = 14;
const MI_COMPRESSED = 15;

interface Element {
  type: number;
  data: Uint8Array;
  next: number;
}

function element(bytes: Uint8Array, off: number, le: boolean, what: string): Element {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (off + 8 > bytes.length)
    throw new DatasetError(`${what} is truncated (element header at byte ${off})`);
  const word = v.getUint32(off, le);
  if (word >>> 16 !== 0) {
    // small data element: type and size in one word, up to 4 bytes of data
    return {
      type: word & 0xffff,
      data: bytes.subarray(off + 4, off + 4 + (word >>> 16)),
      next: off + 8,
    };
  }
  const size = v.getUint32(off + 4, le);
  if (off + 8 + size > bytes.length)
    throw new DatasetError(`${what} is truncated: an element of ${size} bytes at byte ${off}`);
  const data = bytes.subarray(off + 8, off + 8 + size);
  return {
    type: word,
    data,
    next: off + 8 + (word === MI_COMPRESSED ? size : Math.ceil(size / 8) * 8),
  };
}

function numbers(e: Element, le: boolean, what: string): number[] {
  const s = STORAGE[e.type];
  if (!s) throw new DatasetError(`${what}: unsupported MAT data type ${e.type}`);
  const v = new DataView(e.data.buffer, e.data.byteOffset, e.data.byteLength);
  return Array.from({ length: e.data.length / s[0] }, (_, i) => s[1](v, i * s[0], le));
}

function matrix(bytes: Uint8Array, le: boolean, what: string): [string, MatArray] | undefined {
  const flags = element(bytes, 0, le, what);
  const cls = CLASSES[numbers(flags, le, what)[0] & 0xff];
  const dimsEl = element(bytes, flags.next, le, what);
  const nameEl = element(bytes, dimsEl.next, le, what);
  const name = Buffer.from(nameEl.data).toString('latin1');
  if (!cls) return undefined; // cells, structs, chars: not needed by the datasets
  const Ctor =
    cls === 'double'
      ? Float64Array
      : cls === 'single'
        ? Float32Array
        : cls === 'uint8'
          ? Uint8Array
          : Int32Array;
  const data = values(element(bytes, nameEl.next, le, what), Ctor, le, what);
  return [name, { className: cls, dims: numbers(dimsEl, le, what), data }];
}

/**
 * An element's values straight into a typed array of the class: SVHN's training split holds
 * 225M values, which as a JavaScript array failed with "Invalid array length".
 */
function values(
  e: Element,
  Ctor: new (n: number) => MatArray['data'],
  le: boolean,
  what: string,
): MatArray['data'] {
  const s = STORAGE[e.type];
  if (!s) throw new DatasetError(`${what}: unsupported MAT data type ${e.type}`);
  const n = Math.floor(e.data.length / s[0]);
  // Bytes stored as bytes: one copy.
  if (e.type === 2 && Ctor === Uint8Array) return e.data.slice();
  const out = new Ctor(n);
  const v = new DataView(e.data.buffer, e.data.byteOffset, e.data.byteLength);
  for (let i = 0; i < n; i++) out[i] = s[1](v, i * s[0], le);
  return out;
}

/**
 * A compressed element's content, inflated only as far as the element inside declares: its
 * 8-byte tag, then its size in bytes.
 */
function inflateElement(data: Uint8Array, le: boolean, what: string): Uint8Array {
  const head = inflateHead(data, 8, 'zlib');
  const where = `${what}: a compressed element`;
  if (head.length < 8) return inflate(data, where, { format: 'zlib', maxBytes: 8 });
  const view = new DataView(head.buffer, head.byteOffset, 8);
  const small = view.getUint32(0, le) >>> 16 !== 0;
  // The inner element is padded to a multiple of 8 bytes, as everywhere in the file.
  const size = small ? 0 : Math.ceil(view.getUint32(4, le) / 8) * 8;
  return inflate(data, where, { format: 'zlib', maxBytes: 8 + size });
}

/**
 * Reads the numeric arrays of a MATLAB level-5 .mat file (scipy.io.loadmat's format for
 * MATLAB up to v7; compressed elements too). v7.3 files are HDF5 and are refused.
 */
export function readMat(bytes: Uint8Array, what = 'MAT file'): Map<string, MatArray> {
  if (bytes.length < 128) throw new DatasetError(`${what} is truncated: no 128-byte MAT header`);
  const header = Buffer.from(bytes.subarray(0, 116)).toString('latin1');
  if (header.startsWith('MATLAB 7.3'))
    throw new DatasetError(`${what} is a MATLAB v7.3 (HDF5) file, which Tensile cannot read`);
  const mark = String.fromCharCode(bytes[126], bytes[127]);
  if (!header.startsWith('MATLAB 5.0') || (mark !== 'IM' && mark !== 'MI'))
    throw new DatasetError(`${what} is not a MATLAB 5 .mat file`);
  const le = mark === 'IM';
  const out = new Map<string, MatArray>();
  for (let off = 128; off < bytes.length; ) {
    let e = element(bytes, off, le, what);
    off = e.next;
    if (e.type === MI_COMPRESSED) e = element(inflateElement(e.data, le, what), 0, le, what);
    if (e.type !== MI_MATRIX) continue;
    const m = matrix(e.data, le, what);
    if (m) out.set(m[0], m[1]);
  }
  return out;
}
