import { DatasetError } from '../errors';

/** A numpy array from a pickle: dtype string ('|u1', '<i8', ...), shape, raw bytes (C order). */
export interface NdArray {
  dtype: string;
  shape: number[];
  data: Uint8Array;
  fortranOrder: boolean;
}

type Py = unknown;

/** A global the unpickler knows how to call: numpy's array reconstruction and bytes decoding. */
class Global {
  constructor(readonly name: string) {}
}

class Mark {}
const MARK = new Mark();

/** What numpy's _reconstruct / dtype calls return until BUILD gives them their state. */
class PendingArray {
  state: Py[] | undefined;
}
class PendingDtype {
  constructor(readonly code: string) {}
  byteorder = '|';
}

const KNOWN = new Set([
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.ndarray',
  'numpy.dtype',
  '_codecs.encode',
  '__builtin__.set',
  'builtins.set',
]);

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/** Python 2 `str` values stay bytes; used as dict keys or labels they read as latin-1 text. */
export function pyString(x: Py): string {
  if (typeof x === 'string') return x;
  if (x instanceof Uint8Array) return latin1(x);
  throw new DatasetError(`pickle: expected a string, got ${typeof x}`);
}

function call(fn: Py, args: Py[]): Py {
  if (!(fn instanceof Global))
    throw new DatasetError('pickle: REDUCE on something that is not a known global');
  switch (fn.name) {
    case 'numpy.dtype':
      return new PendingDtype(pyString(args[0]));
    case '_codecs.encode':
      return Uint8Array.from(pyString(args[0]), (c) => c.charCodeAt(0));
    case '__builtin__.set':
    case 'builtins.set':
      return new Set(args[0] as Py[]);
    default:
      return new PendingArray();
  }
}

function build(obj: Py, state: Py): void {
  if (obj instanceof PendingArray) obj.state = state as Py[];
  else if (obj instanceof PendingDtype) obj.byteorder = pyString((state as Py[])[1]);
  else throw new DatasetError('pickle: BUILD on an object the reader does not know');
}

/**
 * Turns finished numpy placeholders into NdArrays throughout `x`. Each list, tuple and dict is
 * converted once and its copy shared wherever the original was (the memo lets a pickle refer
 * to one object many times, or to itself): copying each reference anew made a 200-byte pickle
 * of lists of lists take exponential time, and a list holding itself overflow the stack.
 */
function finish(root: Py): Py {
  const done = new Map<object, Py>();
  const todo: (() => void)[] = [];
  const convert = (x: Py): Py => {
    if (x instanceof PendingArray) return ndarray(x);
    if (!Array.isArray(x) && !(x instanceof Map)) return x;
    const seen = done.get(x);
    if (seen !== undefined) return seen;
    if (Array.isArray(x)) {
      const out: Py[] = [];
      done.set(x, out);
      todo.push(() => {
        for (const v of x) out.push(convert(v));
      });
      return out;
    }
    const out = new Map<string, Py>();
    done.set(x, out);
    todo.push(() => {
      for (const [k, v] of x as Map<string, Py>) out.set(k, convert(v));
    });
    return out;
  };
  const result = convert(root);
  // Filled from a work list, not by recursion: nesting depth is the file's to choose.
  while (todo.length > 0) todo.pop()!();
  return result;
}

function ndarray(x: PendingArray): NdArray {
  const [, shape, dtype, fortran, raw] = x.state ?? [];
  const d = dtype as PendingDtype;
  const order = d.byteorder === '=' ? '<' : d.byteorder; // native is little-endian here
  const data =
    raw instanceof Uint8Array ? raw : Uint8Array.from(pyString(raw), (c) => c.charCodeAt(0));
  return {
    dtype: `${order}${d.code}`,
    shape: [...(shape as number[])],
    data,
    fortranOrder: Boolean(fortran),
  };
}

/** A cursor over the pickle's bytes; errors name the file and the offset. */
class Reader {
  private readonly view: DataView;
  i = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  fail(msg: string): never {
    throw new DatasetError(`${this.what}: ${msg} at byte ${this.i}`);
  }
  take(n: number): Uint8Array {
    if (this.i + n > this.bytes.length) this.fail('truncated pickle');
    this.i += n;
    return this.bytes.subarray(this.i - n, this.i);
  }
  /** A fixed-size number read by `get` at the cursor. */
  num(n: number, get: (v: DataView, o: number) => number): number {
    this.take(n);
    return get(this.view, this.i - n);
  }
  u8 = () => this.take(1)[0];
  u16 = () => this.num(2, (v, o) => v.getUint16(o, true));
  u32 = () => this.num(4, (v, o) => v.getUint32(o, true));
  i32 = () => this.num(4, (v, o) => v.getInt32(o, true));
  utf8 = (n: number) => Buffer.from(this.take(n)).toString('utf8');
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.i);
    if (end < 0) this.fail('truncated pickle');
    const s = latin1(this.bytes.subarray(this.i, end));
    this.i = end + 1;
    return s;
  }
  /** LONG1: a little-endian two's complement integer of n bytes. */
  long(n: number): number {
    const b = this.take(n);
    let v = 0;
    for (let k = n - 1; k >= 0; k--) v = v * 256 + b[k];
    return n > 0 && b[n - 1] & 0x80 ? v - 2 ** (8 * n) : v;
  }
}

/** The pickle machine's state: its stack, memo and input. */
class Machine {
  readonly stack: Py[] = [];
  readonly memo = new Map<number, Py>();
  constructor(readonly r: Reader) {}
  push = (x: Py) => this.stack.push(x);
  pop = () => this.stack.pop();
  top = () => this.stack.at(-1);
  popMark(): Py[] {
    const k = this.stack.lastIndexOf(MARK);
    if (k < 0) this.r.fail('no MARK on the stack');
    return this.stack.splice(k).slice(1);
  }
  global(name: string): Global {
    if (!KNOWN.has(name)) this.r.fail(`refusing to load global ${name}`);
    return new Global(name);
  }
  setItems(items: Py[]): void {
    const dict = this.top() as Map<string, Py>;
    for (let k = 0; k < items.length; k += 2) dict.set(pyString(items[k]), items[k + 1]);
  }
}

// One small function per opcode. Tuples are arrays; Python 2 str stays bytes.
const OPS: Record<string, (m: Machine) => void> = {
  '\x80': (m) => m.r.u8(), // PROTO
  '\x95': (m) => m.r.take(8), // FRAME
  '(': (m) => m.push(MARK),
  '}': (m) => m.push(new Map()),
  ']': (m) => m.push([]),
  ')': (m) => m.push([]),
  N: (m) => m.push(null),
  '\x88': (m) => m.push(true),
  '\x89': (m) => m.push(false),
  K: (m) => m.push(m.r.u8()),
  M: (m) => m.push(m.r.u16()),
  J: (m) => m.push(m.r.i32()),
  I: (m) => {
    const s = m.r.line(); // Python 2 writes False and True as I00 and I01
    m.push(s === '00' ? false : s === '01' ? true : Number(s));
  },
  L: (m) => m.push(Number(m.r.line().replace(/L$/, ''))),
  '\x8a': (m) => m.push(m.r.long(m.r.u8())), // LONG1
  G: (m) => m.push(m.r.num(8, (v, o) => v.getFloat64(o, false))),
  U: (m) => m.push(m.r.take(m.r.u8()).slice()), // SHORT_BINSTRING
  T: (m) => m.push(m.r.take(m.r.u32()).slice()), // BINSTRING
  C: (m) => m.push(m.r.take(m.r.u8()).slice()), // SHORT_BINBYTES
  B: (m) => m.push(m.r.take(m.r.u32()).slice()), // BINBYTES
  '\x8c': (m) => m.push(m.r.utf8(m.r.u8())), // SHORT_BINUNICODE
  X: (m) => m.push(m.r.utf8(m.r.u32())), // BINUNICODE
  c: (m) => {
    const mod = m.r.line();
    m.push(m.global(`${mod}.${m.r.line()}`));
  },
  '\x93': (m) => {
    const name = pyString(m.pop()); // STACK_GLOBAL
    m.push(m.global(`${pyString(m.pop())}.${name}`));
  },
  q: (m) => m.memo.set(m.r.u8(), m.top()),
  r: (m) => m.memo.set(m.r.u32(), m.top()),
  '\x94': (m) => m.memo.set(m.memo.size, m.top()), // MEMOIZE
  h: (m) => m.push(m.memo.get(m.r.u8())),
  j: (m) => m.push(m.memo.get(m.r.u32())),
  t: (m) => m.push(m.popMark()),
  '\x85': (m) => m.push([m.pop()]),
  '\x86': (m) => m.push(m.stack.splice(-2)),
  '\x87': (m) => m.push(m.stack.splice(-3)),
  R: (m) => {
    const args = m.pop() as Py[];
    m.push(call(m.pop(), args));
  },
  b: (m) => {
    const state = m.pop();
    build(m.top(), state);
  },
  a: (m) => {
    const v = m.pop();
    (m.top() as Py[]).push(v);
  },
  e: (m) => {
    const items = m.popMark();
    (m.top() as Py[]).push(...items);
  },
  s: (m) => m.setItems(m.stack.splice(-2)),
  u: (m) => m.setItems(m.popMark()),
};

/**
 * A small unpickler for what dataset files hold (CIFAR's Python 2 pickles and later protocols):
 * dicts, lists, tuples, str/bytes, ints, floats, bools, None and numpy arrays. Dicts become
 * Maps keyed by strings. It never imports or runs code: unknown globals are refused.
 */
export function unpickle(bytes: Uint8Array, what = 'pickle'): Py {
  const m = new Machine(new Reader(bytes, what));
  for (;;) {
    const op = String.fromCharCode(m.r.u8());
    try {
      if (op === '.') return finish(m.pop()); // STOP
      const run = OPS[op];
      if (!run) m.r.fail(`unsupported pickle opcode 0x${op.charCodeAt(0).toString(16)}`);
      run(m);
    } catch (e) {
      if (e instanceof DatasetError) throw e;
      // An opcode on the wrong kind of object (APPEND to a dict, BUILD on a number...).
      m.r.fail(
        `malformed pickle: opcode 0x${op.charCodeAt(0).toString(16)} (${(e as Error).message})`,
      );
    }
  }
}
