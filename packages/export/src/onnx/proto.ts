/**
 * The protobuf wire format, writing only: what ONNX's ModelProto needs. A message is built
 * into its own writer and embedded as a length-delimited field; fields go out in the order
 * written, which protobuf readers accept.
 */
const utf8 = new TextEncoder();

export class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private varint(value: number | bigint): void {
    this.reserve(10);
    // Negative integers are their 64-bit two's complement: ten bytes, as protobuf writes them.
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private key(field: number, wire: 0 | 2 | 5): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  message(field: number, body: Writer): this {
    return this.bytes(field, body.finish());
  }

  /** A packed repeated int64 field. */
  ints(field: number, values: readonly number[]): this {
    const body = new Writer();
    for (const v of values) body.varint(v);
    return this.bytes(field, body.finish());
  }

  /** A packed repeated float field. */
  floats(field: number, values: readonly number[]): this {
    return this.bytes(field, new Uint8Array(Float32Array.from(values).buffer));
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
