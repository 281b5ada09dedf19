/**
 * PyTorch's checkpoint format (torch.save since 1.6): a stored zip holding `<name>/data.pkl`
 * (the pickled value, tensors as _rebuild_tensor_v2 calls over persistent storage ids) and
 * `<name>/data/<key>` (each storage's raw little-endian bytes).
 */
import {
  allocArray,
  type ComplexDType,
  type DType,
  tensor as fromValues,
  Tensor,
  viewAsComplex,
} from '@tensile/tensor';
import { SerializeError } from '../errors';
import { Global, Pickler, PyDict, PyTuple, unpickle, unpickleAt } from './pickle';
import { readZip, writeZip } from './zip';

/** Storage classes by the dtype Tensile loads them as; half types widen to float32. */
const STORAGES: Record<
  string,
  {
    dtype: DType;
    bytes: number;
    read: (v: DataView, i: number) => number;
    /** Complex storages: pairs of `dtype` numbers, loaded as this dtype. */
    complex?: ComplexDType;
  }
> = {
  FloatStorage: { dtype: 'float32', bytes: 4, read: (v, i) => v.getFloat32(i, true) },
  DoubleStorage: { dtype: 'float64', bytes: 8, read: (v, i) => v.getFloat64(i, true) },
  HalfStorage: { dtype: 'float32', bytes: 2, read: (v, i) => half(v.getUint16(i, true)) },
  BFloat16Storage: {
    dtype: 'float32',
    bytes: 2,
    read: (v, i) => new Float32Array(new Uint32Array([v.getUint16(i, true) << 16]).buffer)[0],
  },
  LongStorage: { dtype: 'int64', bytes: 8, read: (v, i) => int64(v, i) },
  IntStorage: { dtype: 'int32', bytes: 4, read: (v, i) => v.getInt32(i, true) },
  ShortStorage: { dtype: 'int32', bytes: 2, read: (v, i) => v.getInt16(i, true) },
  CharStorage: { dtype: 'int32', bytes: 1, read: (v, i) => v.getInt8(i) },
  ByteStorage: { dtype: 'uint8', bytes: 1, read: (v, i) => v.getUint8(i) },
  BoolStorage: { dtype: 'bool', bytes: 1, read: (v, i) => (v.getUint8(i) ? 1 : 0) },
  ComplexFloatStorage: {
    dtype: 'float32',
    bytes: 4,
    read: (v, i) => v.getFloat32(i, true),
    complex: 'complex64',
  },
  ComplexDoubleStorage: {
    dtype: 'float64',
    bytes: 8,
    read: (v, i) => v.getFloat64(i, true),
    complex: 'complex128',
  },
};

const STORAGE_OF: Record<DType, string> = {
  float32: 'FloatStorage',
  float64: 'DoubleStorage',
  int64: 'LongStorage',
  int32: 'IntStorage',
  uint8: 'ByteStorage',
  bool: 'BoolStorage',
  complex64: 'ComplexFloatStorage',
  complex128: 'ComplexDoubleStorage',
};

function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function int64(v: DataView, i: number): number {
  const x = v.getBigInt64(i, true);
  if (x > BigInt(Number.MAX_SAFE_INTEGER) || x < BigInt(-Number.MAX_SAFE_INTEGER))
    throw new SerializeError(
      `an int64 value ${x} is beyond 2^53, which Tensile's int64 holds exactly`,
    );
  return Number(x);
}

/** Whether `bytes` start as a zip (torch.save's format) rather than safetensors. */
export function isTorchZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Whether `bytes` start as a pickle (torch.save's legacy format, before PyTorch 1.6). */
export function isLegacyTorch(bytes: Uint8Array): boolean {
  return bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5;
}

/**
 * The value in a torch.save file: dicts and OrderedDicts as objects, lists and tuples as
 * arrays, tensors as CPU tensors (views of one storage share it, as in PyTorch). Only
 * tensors and plain containers load (as torch.load(weights_only=True)); any other global
 * is refused by name.
 */
export function decodeTorch(bytes: Uint8Array, where: string): unknown {
  const entries = readZip(bytes, where);
  const pkl = [...entries.keys()].find((k) => k.endsWith('/data.pkl') || k === 'data.pkl');
  if (!pkl) throw new SerializeError(`${where}: a zip without data.pkl is not a torch.save file`);
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const storages = new Map<string, Tensor>();
  const persistentLoad = (pid: unknown): Tensor => {
    const { key, spec, numel } = storageId(pid, where);
    let t = storages.get(key);
    if (!t) {
      const data = entries.get(`${prefix}data/${key}`);
      if (!data) throw new SerializeError(`${where}: storage ${key} is missing from the archive`);
      t = storageTensor(data, spec, numel, key, where);
      storages.set(key, t);
    }
    return t;
  };
  const value = unpickle(
    entries.get(pkl)!,
    { persistentLoad, call: (fn, args) => call(fn, args, where) },
    where,
  );
  return toJs(value, where);
}

type StorageSpec = (typeof STORAGES)[string];

/** A persistent id ('storage', torch.<Type>Storage, key, location, numel[, view]) read. */
function storageId(
  pid: unknown,
  where: string,
): { key: string; spec: StorageSpec; numel: unknown } {
  const parts = pid instanceof PyTuple ? pid.items : [];
  const [kind, type, key, , numel] = parts;
  const name = type instanceof Global ? type.name.replace(/^torch\./, '') : '';
  const spec = STORAGES[name];
  if (kind !== 'storage' || typeof key !== 'string' || !spec)
    throw new SerializeError(`${where}: unsupported storage ${JSON.stringify(name || kind)}`);
  if (parts[5] != null)
    throw new SerializeError(`${where}: storage views (PyTorch 0.3) are not supported`);
  return { key, spec, numel };
}

/** A storage's bytes as a one-dimensional tensor of the dtype it loads as. */
function storageTensor(
  data: Uint8Array,
  spec: StorageSpec,
  numel: unknown,
  key: string,
  where: string,
): Tensor {
  const count = data.length / spec.bytes;
  const per = spec.complex ? 2 : 1;
  if (!Number.isInteger(count / per) || (typeof numel === 'number' && numel * per !== count))
    throw new SerializeError(
      `${where}: storage ${key} holds ${data.length} bytes, not ${String(numel)} values`,
    );
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  const values = allocArray(spec.dtype, count);
  for (let i = 0; i < count; i++) values[i] = spec.read(view, i * spec.bytes);
  const t = fromValues(values, { dtype: spec.dtype });
  return spec.complex ? viewAsComplex(t.view(count / 2, 2)) : t;
}

/** torch.save's legacy MAGIC_NUMBER, 0x1950a86a20f9469cfc6c, as the pickled int's bytes. */
const LEGACY_MAGIC = Uint8Array.of(
  0x80,
  0x02,
  0x8a,
  0x0a,
  0x6c,
  0xfc,
  0x9c,
  0x46,
  0xf9,
  0x20,
  0x6a,
  0xa8,
  0x50,
  0x19,
  0x2e,
);

/**
 * torch.save's legacy format (before PyTorch 1.6, or _use_new_zipfile_serialization=False):
 * pickles of the magic number, the protocol version and system info, the value, the storage
 * keys, then each storage as an int64 count and its bytes. The value's pickle is read twice:
 * first to learn where it ends and which storages it names, then over the loaded storages.
 */
export function decodeLegacyTorch(bytes: Uint8Array, where: string): unknown {
  if (!LEGACY_MAGIC.every((b, i) => bytes[i] === b))
    throw new SerializeError(`${where}: a pickle without torch.save's magic number`);
  const plain = { persistentLoad: () => null, call: () => new PyDict() };
  const version = unpickleAt(bytes, LEGACY_MAGIC.length, plain, where);
  if (version.value !== 1001)
    throw new SerializeError(
      `${where}: legacy protocol version ${String(version.value)}, not 1001`,
    );
  const info = unpickleAt(bytes, version.end, plain, where);
  const specs = new Map<string, StorageSpec>();
  const record = (pid: unknown) => {
    const { key, spec } = storageId(pid, where);
    specs.set(key, spec);
    return null;
  };
  const scan = unpickleAt(bytes, info.end, { ...plain, persistentLoad: record }, where);
  const { value: keys, end: after } = unpickleAt(bytes, scan.end, plain, where);
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string'))
    throw new SerializeError(`${where}: the list of storage keys is missing`);
  const storages = new Map<string, Tensor>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let at = after;
  for (const key of keys as string[]) {
    const spec = specs.get(key);
    if (!spec) throw new SerializeError(`${where}: storage ${key} is listed but never used`);
    if (at + 8 > bytes.length)
      throw new SerializeError(`${where}: the file ends before storage ${key}`);
    const count = Number(view.getBigInt64(at, true));
    const end = at + 8 + count * spec.bytes * (spec.complex ? 2 : 1);
    if (count < 0 || end > bytes.length)
      throw new SerializeError(`${where}: storage ${key} runs past the end of the file`);
    storages.set(key, storageTensor(bytes.subarray(at + 8, end), spec, count, key, where));
    at = end;
  }
  const load = (pid: unknown) => {
    const t = storages.get(storageId(pid, where).key);
    if (!t) throw new SerializeError(`${where}: a storage that the file does not hold`);
    return t;
  };
  const hooks = {
    persistentLoad: load,
    call: (fn: Global, args: unknown[]) => call(fn, args, where),
  };
  return toJs(unpickleAt(bytes, info.end, hooks, where).value, where);
}

function ints(x: unknown, what: string, where: string): number[] {
  const items = x instanceof PyTuple ? x.items : Array.isArray(x) ? x : null;
  if (!items?.every((v) => Number.isInteger(v)))
    throw new SerializeError(`${where}: a tensor's ${what} is not a tuple of integers`);
  return items as number[];
}

function call(fn: Global, args: unknown[], where: string): unknown {
  switch (fn.name) {
    case 'collections.OrderedDict':
      return new PyDict();
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2': {
      const [storage, offset, size, stride] = args;
      if (!(storage instanceof Tensor) || !Number.isInteger(offset))
        throw new SerializeError(`${where}: a tensor without its storage`);
      const shape = ints(size, 'size', where);
      const strides = ints(stride, 'stride', where);
      // Each element must lie in the storage.
      const last = shape.reduce(
        (at, s, i) => at + (s > 0 ? (s - 1) * strides[i] : 0),
        offset as number,
      );
      if (shape.some((s) => s === 0)) return storage.narrow(0, 0, 0).reshape(shape);
      if ((offset as number) < 0 || last >= storage.numel() || strides.some((s) => s < 0))
        throw new SerializeError(`${where}: a tensor reaches outside its storage`);
      return storage.asStrided(shape, strides, offset as number);
    }
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      return args[0];
    case 'torch.Size':
      return args[0];
    case '_codecs.encode':
      return Uint8Array.from(String(args[0]), (c) => c.charCodeAt(0));
    default:
      throw new SerializeError(
        `${where}: refusing to load ${fn.name}: only tensors and plain containers load (as torch.load with weights_only=True)`,
      );
  }
}

/** Python values as JavaScript ones, each shared object converted once; a cycle is refused. */
function toJs(root: unknown, where: string): unknown {
  const done = new Map<object, unknown>();
  const open = new Set<object>();
  const walk = (x: unknown): unknown => {
    if (x === null || typeof x !== 'object' || x instanceof Tensor || x instanceof Uint8Array)
      return x;
    if (done.has(x)) return done.get(x);
    if (open.has(x)) throw new SerializeError(`${where}: a structure that contains itself`);
    open.add(x);
    let out: unknown;
    if (x instanceof PyDict) {
      const obj: Record<string, unknown> = {};
      for (const [k, v] of x.entries)
        Object.defineProperty(obj, String(k), {
          value: walk(v),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      out = obj;
    } else if (x instanceof PyTuple) out = x.items.map(walk);
    else if (Array.isArray(x)) out = x.map(walk);
    else if (x instanceof Global) throw new SerializeError(`${where}: refusing to load ${x.name}`);
    else out = x;
    open.delete(x);
    done.set(x, out);
    return out;
  };
  return walk(root);
}

/**
 * `value` as torch.save writes it (zip, pickle protocol 2): objects as dicts, arrays as lists,
 * tensors each in its own storage (contiguous), numbers as ints where integral, else floats.
 * torch.load reads it; so does decodeTorch.
 */
export function encodeTorch(value: unknown, name = 'archive'): Uint8Array[] {
  const p = new Pickler();
  const storages: [string, Uint8Array][] = [];
  const seen = new Map<Tensor, string>();
  const write = (x: unknown, path: string, depth: number): void => {
    if (depth > 1000) throw new SerializeError(`save: nesting deeper than 1000 at ${path}`);
    if (x instanceof Tensor) tensor(x);
    else if (x === null) p.op(0x4e);
    else if (typeof x === 'boolean') p.op(x ? 0x88 : 0x89);
    else if (typeof x === 'number') p.number(x);
    else if (typeof x === 'string') p.string(x);
    else if (Array.isArray(x)) {
      p.op(0x5d, 0x28);
      for (let i = 0; i < x.length; i++) write(x[i], `${path}[${i}]`, depth + 1);
      p.op(0x65);
    } else if (isPlainObject(x)) {
      // An OrderedDict, as state_dict() returns.
      p.global('collections', 'OrderedDict').op(0x29, 0x52, 0x28);
      for (const [k, v] of Object.entries(x)) {
        if (v === undefined) continue;
        p.string(k);
        write(v, `${path}.${k}`, depth + 1);
      }
      p.op(0x75);
    } else
      throw new SerializeError(
        `save: cannot save ${describe(x)} at ${path || 'the top'} in torch format`,
      );
  };
  const tensor = (t: Tensor): void => {
    let key = seen.get(t);
    if (key === undefined) {
      key = String(storages.length);
      seen.set(t, key);
      storages.push([key, rawBytes(t)]);
    }
    const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    p.global('torch._utils', '_rebuild_tensor_v2').op(0x28);
    // The persistent id ('storage', torch.<Type>Storage, key, 'cpu', numel).
    p.op(0x28).string('storage').global('torch', STORAGE_OF[t.dtype]).string(key).string('cpu');
    p.number(t.numel()).op(0x74, 0x51);
    p.number(0);
    tuple(t.shape);
    tuple(strides);
    p.op(0x89).global('collections', 'OrderedDict').op(0x29, 0x52, 0x74, 0x52);
  };
  const tuple = (xs: readonly number[]) => {
    p.op(0x28);
    for (const x of xs) p.number(x);
    p.op(0x74);
  };
  write(value, '', 0);
  const entries: [string, Uint8Array][] = [
    [`${name}/data.pkl`, p.finish()],
    [`${name}/byteorder`, new TextEncoder().encode('little')],
    ...storages.map(([k, b]): [string, Uint8Array] => [`${name}/data/${k}`, b]),
    [`${name}/version`, new TextEncoder().encode('3\n')],
  ];
  return writeZip(entries);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function describe(x: unknown): string {
  if (x === undefined) return 'undefined';
  if (typeof x === 'object') return `a ${(x as object).constructor?.name ?? 'object'}`;
  return `a ${typeof x}`;
}

/** A tensor's values, row-major, as the little-endian bytes of its storage type. */
function rawBytes(t: Tensor): Uint8Array {
  const data = t.contiguous().dataSync();
  if (t.dtype === 'int64') {
    const out = new BigInt64Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = BigInt(data[i]);
    return new Uint8Array(out.buffer);
  }
  const copy = data.slice();
  return new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
}
