import { SerializeError } from '../errors';

// A restricted unpickler and a small pickler for torch.save's data.pkl. The unpickler runs no
// code: a global is only ever a name (a Global), and REDUCE calls `call`, which knows a few
// (OrderedDict, tensor rebuilding) and refuses the rest, as torch.load(weights_only=True).
// Work is linear in the bytes: every opcode reads at least one byte, and shared objects stay
// shared (the memo holds references), so a "memo bomb" costs no more than its size.

/** A Python global by its dotted name, never resolved to anything that runs. */
export class Global {
  constructor(readonly name: string) {}
}

/** A Python dict (insertion order, any keys); OrderedDict and dict alike. */
export class PyDict {
  readonly entries: [unknown, unknown][] = [];
}

/** A Python tuple (kept apart from lists only while unpickling). */
export class PyTuple {
  constructor(readonly items: unknown[]) {}
}

export interface UnpickleHooks {
  /** What a persistent id (BINPERSID) stands for: torch's storages. */
  persistentLoad(pid: unknown): unknown;
  /** REDUCE of a global with its arguments. */
  call(fn: Global, args: unknown[]): unknown;
}

export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks, where: string): unknown {
  return unpickleAt(bytes, 0, hooks, where).value;
}

/** The pickle that starts at byte `from` (files of several pickles), and where it ends. */
export function unpickleAt(
  bytes: Uint8Array,
  from: number,
  hooks: UnpickleHooks,
  where: string,
): { value: unknown; end: number } {
  const fail = (what: string): never => {
    throw new SerializeError(`${where}: bad pickle (${what})`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const text = new TextDecoder('utf-8', { fatal: true });
  const latin1 = new TextDecoder('latin1');
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = from;
  const need = (n: number) => {
    if (pos + n > bytes.length) fail(`truncated at byte ${pos}`);
  };
  const u8 = () => {
    need(1);
    return bytes[pos++];
  };
  const u32 = () => {
    need(4);
    pos += 4;
    return view.getUint32(pos - 4, true);
  };
  const take = (n: number) => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('unterminated text argument');
    const s = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = () => (stack.length === 0 ? fail('stack underflow') : stack.pop());
  const top = () => (stack.length === 0 ? fail('stack underflow') : stack[stack.length - 1]);
  const popMark = () => {
    const m = marks.pop();
    if (m === undefined) fail('no mark');
    return stack.splice(m as number);
  };
  const utf8 = (b: Uint8Array) => {
    try {
      return text.decode(b);
    } catch {
      return fail('a string that is not UTF-8');
    }
  };
  const setItems = (d: unknown, items: unknown[]) => {
    if (!(d instanceof PyDict)) fail('SETITEM on something that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2)
      (d as PyDict).entries.push([items[i], items[i + 1]]);
  };
  const append = (l: unknown, items: unknown[]) => {
    if (!Array.isArray(l)) fail('APPEND on something that is not a list');
    for (const item of items) (l as unknown[]).push(item);
  };
  const int = (b: Uint8Array) => {
    // Little-endian two's complement; exact to 2^53, beyond which a state dict has no use.
    let v = 0;
    for (let i = b.length - 1; i >= 0; i--) v = v * 256 + b[i];
    if (b.length && b[b.length - 1] & 0x80) v -= 2 ** (8 * b.length);
    if (!Number.isSafeInteger(v)) fail('an integer beyond 2^53');
    return v;
  };
  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        take(8);
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`STOP with ${stack.length} values on the stack`);
        return { value: stack[0], end: pos };
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x74: // TUPLE
        stack.push(new PyTuple(popMark()));
        break;
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x64: {
        const d = new PyDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x61: {
        const item = pop();
        append(top(), [item]);
        break;
      }
      case 0x65: {
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x73: {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x4a: // BININT
        need(4);
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        need(2);
        stack.push(view.getUint16(pos, true));
        pos += 2;
        break;
      case 0x8a: // LONG1
        stack.push(int(take(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(int(take(u32())));
        break;
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8(take(u8())));
        break;
      case 0x8d: {
        need(8);
        const n = view.getUint32(pos, true) + view.getUint32(pos + 4, true) * 2 ** 32;
        pos += 8;
        stack.push(utf8(take(n)));
        break;
      }
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x54: // BINSTRING (Python 2 str)
        stack.push(latin1.decode(take(u32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(take(u8())));
        break;
      case 0x63: {
        const module = line();
        stack.push(new Global(`${module}.${line()}`));
        break;
      }
      case 0x93: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          fail('STACK_GLOBAL of non-strings');
        stack.push(new Global(`${module}.${name}`));
        break;
      }
      case 0x52: // REDUCE
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const fn = pop();
        if (!(fn instanceof Global)) fail('a call of something that is not a global');
        if (!(args instanceof PyTuple)) fail('call arguments that are not a tuple');
        stack.push(hooks.call(fn as Global, (args as PyTuple).items));
        break;
      }
      case 0x62: {
        // BUILD: an OrderedDict's attributes (a state dict's _metadata) are left aside.
        pop();
        if (!(top() instanceof PyDict)) fail('BUILD of something that is not a dict');
        break;
      }
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop()));
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x70: // PUT
        memo.set(Number(line()), top());
        break;
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
      case 0x67: {
        // GET
        const key = op === 0x68 ? u8() : op === 0x6a ? u32() : Number(line());
        if (!memo.has(key)) fail(`memo ${key} was never put`);
        stack.push(memo.get(key));
        break;
      }
      case 0x30: // POP
        if (stack.length && stack.length === marks[marks.length - 1]) marks.pop();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default:
        fail(`opcode 0x${op.toString(16)} at byte ${pos - 1} is not supported`);
    }
  }
}

/** Writes pickle protocol 2, the protocol torch.save uses. */
export class Pickler {
  private readonly chunks: number[] = [0x80, 2];
  private readonly encoder = new TextEncoder();

  op(...codes: number[]): this {
    for (const c of codes) this.chunks.push(c);
    return this;
  }

  bytes(b: Uint8Array): this {
    for (const v of b) this.chunks.push(v);
    return this;
  }

  private u32(n: number): void {
    this.op(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }

  global(module: string, name: string): this {
    return this.op(0x63).bytes(this.encoder.encode(`${module}\n${name}\n`));
  }

  string(s: string): this {
    const b = this.encoder.encode(s);
    this.op(0x58);
    this.u32(b.length);
    return this.bytes(b);
  }

  number(v: number): this {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 31) {
      this.op(0x4a);
      this.u32(v >>> 0);
      return this;
    }
    if (Number.isSafeInteger(v)) {
      // LONG1: little-endian two's complement in 8 bytes.
      const b = new DataView(new ArrayBuffer(8));
      b.setBigInt64(0, BigInt(v), true);
      return this.op(0x8a, 8).bytes(new Uint8Array(b.buffer));
    }
    const b = new DataView(new ArrayBuffer(8));
    b.setFloat64(0, v, false);
    return this.op(0x47).bytes(new Uint8Array(b.buffer));
  }

  finish(): Uint8Array {
    this.op(0x2e);
    return Uint8Array.from(this.chunks);
  }
}
