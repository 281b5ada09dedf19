// A minimal protobuf wire-format codec: just what the TensorBoard messages need.
// Writers emit fields in ascending field-number order and skip proto3 defaults,
// as the reference (Python/C++) serializers do, so output matches them byte for byte.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

export class ProtoDecodeError extends Error {
  override name = 'ProtoDecodeError';
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

export class ProtoWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint((field << 3) | wire);
  }

  rawVarint(value: number | bigint): void {
    // Negative int32/int64 values are sign-extended to 10 bytes, as protobuf requires.
    if (typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
      this.reserve(10);
      while (value >= 0x80) {
        this.buf[this.len++] = (value % 0x80) | 0x80;
        value = Math.floor(value / 0x80);
      }
      this.buf[this.len++] = value;
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  /** int32/int64/enum/bool field; `keep` writes a default value too (oneof members). */
  varint(field: number, value: number | boolean, keep = false): this {
    const n = typeof value === 'boolean' ? Number(value) : Math.trunc(value);
    if (n === 0 && !keep) return this;
    this.tag(field, WIRE_VARINT);
    this.rawVarint(n);
    return this;
  }

  double(field: number, value: number, keep = false): this {
    if (value === 0 && !Object.is(value, -0) && !keep) return this;
    this.tag(field, WIRE_FIXED64);
    this.reserve(8);
    this.view.setFloat64(this.len, value, true);
    this.len += 8;
    return this;
  }

  float(field: number, value: number, keep = false): this {
    if (value === 0 && !Object.is(value, -0) && !keep) return this;
    this.tag(field, WIRE_FIXED32);
    this.reserve(4);
    this.view.setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, value: Uint8Array, keep = false): this {
    if (value.length === 0 && !keep) return this;
    this.tag(field, WIRE_BYTES);
    this.rawVarint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  string(field: number, value: string, keep = false): this {
    return this.bytes(field, textEncoder.encode(value), keep);
  }

  /** An embedded message; present messages are written even when empty. */
  message(field: number, value: Uint8Array | undefined): this {
    return value === undefined ? this : this.bytes(field, value, true);
  }

  packedDoubles(field: number, values: ArrayLike<number>): this {
    return this.packed(field, values, 8);
  }

  packedFloats(field: number, values: ArrayLike<number>): this {
    return this.packed(field, values, 4);
  }

  private packed(field: number, values: ArrayLike<number>, width: 4 | 8): this {
    if (values.length === 0) return this;
    this.tag(field, WIRE_BYTES);
    this.rawVarint(values.length * width);
    this.reserve(values.length * width);
    for (let i = 0; i < values.length; i++, this.len += width) {
      if (width === 8) this.view.setFloat64(this.len, values[i], true);
      else this.view.setFloat32(this.len, values[i], true);
    }
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export interface Field {
  field: number;
  wire: number;
  /** varint (as a number, exact up to 2^53). */
  varint: number;
  /** A fixed64 field as a double, a fixed32 one as a float. */
  fixed: number;
  /** A length-delimited field's bytes (a view, no copy); fixed fields' raw bytes. */
  readonly bytes: Uint8Array;
}

const scratch = new DataView(new ArrayBuffer(8));
const DONE: IteratorResult<Field> = { done: true, value: undefined };

/**
 * The fields of one message as one reused Field (no object per field: event files hold millions
 * of small messages). A loop body must not keep the Field itself past its turn, only values.
 */
class FieldReader implements Field, IterableIterator<Field> {
  field = 0;
  wire = 0;
  varint = 0;
  fixed = 0;
  pos = 0;
  private start = 0;
  private end = 0;
  private readonly result: IteratorResult<Field> = { done: false, value: this };

  constructor(private readonly data: Uint8Array) {}

  [Symbol.iterator](): this {
    return this;
  }

  get bytes(): Uint8Array {
    return this.data.subarray(this.start, this.end);
  }

  next(): IteratorResult<Field> {
    if (this.pos >= this.data.length) return DONE;
    const key = this.readVarint();
    this.field = Math.floor(key / 8);
    this.wire = key % 8;
    this.varint = 0;
    if (this.wire === WIRE_VARINT) {
      this.varint = this.readVarint();
      this.start = this.end = this.pos;
    } else if (this.wire === WIRE_FIXED64) this.take(8);
    else if (this.wire === WIRE_FIXED32) this.take(4);
    else if (this.wire === WIRE_BYTES) this.take(this.readVarint());
    else throw new ProtoDecodeError(`unsupported wire type ${this.wire} for field ${this.field}`);
    if (this.wire === WIRE_FIXED64 || this.wire === WIRE_FIXED32) {
      for (let i = this.start; i < this.end; i++) scratch.setUint8(i - this.start, this.data[i]);
      this.fixed =
        this.wire === WIRE_FIXED64 ? scratch.getFloat64(0, true) : scratch.getFloat32(0, true);
    }
    return this.result;
  }

  private take(n: number): void {
    if (this.pos + n > this.data.length) throw new ProtoDecodeError('truncated field');
    this.start = this.pos;
    this.end = this.pos += n;
  }

  private readVarint(): number {
    return readVarintAt(this.data, this);
  }
}

/** Reads a varint at `at.pos`, advancing it. */
function readVarintAt(data: Uint8Array, at: { pos: number }): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at.pos >= data.length) throw new ProtoDecodeError('truncated varint');
    const byte = data[at.pos++];
    result += (byte & 0x7f) * scale;
    if (byte < 0x80) return result;
    scale *= 0x80;
  }
  throw new ProtoDecodeError('varint longer than 10 bytes');
}

/** Iterates the fields of one message, in wire order. */
export function fields(data: Uint8Array): IterableIterator<Field> {
  return new FieldReader(data);
}

/** Reinterprets an unsigned 64-bit varint as a signed int64 (steps, int64_val). */
export function toInt64(value: number): number {
  return value >= 2 ** 63 ? value - 2 ** 64 : value;
}

/** Reinterprets an unsigned varint as a signed int32 (int32 fields, enums). */
export function toInt32(value: number): number {
  return value >= 2 ** 31 ? Number(BigInt.asIntN(32, BigInt(value))) : value;
}

/** A fixed-width number; a field of another wire type is a decode error, not a read past it. */
export function readDouble(f: Field): number {
  if (f.wire !== WIRE_FIXED64 && f.wire !== WIRE_FIXED32)
    throw new ProtoDecodeError(`field ${f.field}: expected a double, got wire type ${f.wire}`);
  return f.fixed;
}

export function readFloat(f: Field): number {
  return readDouble(f);
}

export function readString(f: Field): string {
  const bytes = f.bytes;
  // Tags are short ASCII, where building the string beats TextDecoder's call several times over.
  if (bytes.length > 32) return textDecoder.decode(bytes);
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0x80) return textDecoder.decode(bytes);
    out += String.fromCharCode(bytes[i]);
  }
  return out;
}

/** Appends a repeated numeric field that may be packed (proto3) or not (proto2 writers). */
export function readRepeated(f: Field, out: number[], kind: 'double' | 'float' | 'varint'): void {
  if (f.wire !== WIRE_BYTES) {
    out.push(kind === 'varint' ? f.varint : kind === 'double' ? readDouble(f) : readFloat(f));
    return;
  }
  const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.length);
  if (kind === 'double')
    for (let i = 0; i + 8 <= f.bytes.length; i += 8) out.push(view.getFloat64(i, true));
  else if (kind === 'float')
    for (let i = 0; i + 4 <= f.bytes.length; i += 4) out.push(view.getFloat32(i, true));
  else {
    const bytes = f.bytes;
    for (const at = { pos: 0 }; at.pos < bytes.length; ) out.push(readVarintAt(bytes, at));
  }
}
