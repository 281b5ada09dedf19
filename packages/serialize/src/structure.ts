import { isTensor, type Tensor } from '@tensile/tensor';
import { SerializeError } from './errors';
import type { TensorEntry } from './safetensors';

/**
 * The JSON form of a value with its tensors taken out: a tensor becomes `{"$tensor": key}`, a
 * number JSON cannot hold `{"$num": "nan" | "inf" | "-inf" | "-0"}`, and an object with a key
 * starting with `$` is wrapped as `{"$object": {...}}` so it is not mistaken for those.
 */
export type Structure =
  | null
  | boolean
  | number
  | string
  | Structure[]
  | { [key: string]: Structure };

/**
 * The deepest nesting saved or loaded: deeper values are refused with a SerializeError, where
 * a recursion past the stack was a raw RangeError (a 10,000-level list on save, or a crafted
 * file's metadata on load). Python's pickle and json stop near 1,000 levels as well.
 */
export const MAX_DEPTH = 1000;

function tooDeep(where: string): SerializeError {
  return new SerializeError(`${where}: nested deeper than ${MAX_DEPTH} levels`);
}

/** The key a tensor at this path is stored under: its path joined with dots (`model.fc.weight`). */
function keyOf(path: readonly (string | number)[]): string {
  return path.length === 0 ? 'tensor' : path.join('.');
}

/**
 * Splits a value into its JSON structure and its tensors, keyed by dotted path. A tensor met twice
 * is stored once; a key taken twice (`{"a.b": t, a: {b: u}}`) gets a `#2` suffix.
 */
export function flatten(
  value: unknown,
  reserved: string,
): { structure: Structure; entries: TensorEntry[] } {
  const entries: TensorEntry[] = [];
  const keys = new Map<Tensor, string>();
  const taken = new Set([reserved]);
  const seen = new Set<object>();

  const tensorKey = (t: Tensor, path: (string | number)[]): string => {
    const known = keys.get(t);
    if (known !== undefined) return known;
    let key = keyOf(path);
    for (let n = 2; taken.has(key); n++) key = `${keyOf(path)}#${n}`;
    taken.add(key);
    keys.set(t, key);
    entries.push({ key, tensor: t });
    return key;
  };

  const visit = (v: unknown, path: (string | number)[]): Structure => {
    if (isTensor(v)) return { $tensor: tensorKey(v, path) };
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') return encodeNumber(v);
    if (typeof v !== 'object') throw unsupported(typeof v, path);
    if (path.length >= MAX_DEPTH) throw tooDeep('serialize');
    if (seen.has(v)) throw new SerializeError(`serialize: a cycle at '${path.join('.')}'`);
    seen.add(v);
    let out: Structure;
    if (Array.isArray(v)) {
      out = Array.from(v, (item, i) => (item === undefined ? null : visit(item, [...path, i])));
    } else if (isPlainObject(v)) {
      const obj: Record<string, Structure> = {};
      for (const [k, item] of Object.entries(v))
        if (item !== undefined) obj[k] = visit(item, [...path, k]);
      out = Object.keys(obj).some((k) => k.startsWith('$')) ? { $object: obj } : obj;
    } else {
      throw unsupported(v.constructor?.name ?? 'object', path);
    }
    seen.delete(v);
    return out;
  };

  return { structure: visit(value, []), entries };
}

/** Rebuilds the value of `flatten`, with the loaded tensors in place; `where` names the file. */
export function unflatten(
  structure: Structure,
  tensors: Map<string, Tensor>,
  where: string,
): unknown {
  const fail = (why: string) =>
    new SerializeError(`${where}: bad structure in __metadata__: ${why}`);
  const visit = (s: Structure, depth: number): unknown => {
    if (s === null || typeof s !== 'object') return s;
    if (depth >= MAX_DEPTH) throw tooDeep(`${where}: bad structure in __metadata__`);
    if (Array.isArray(s)) return s.map((item) => visit(item, depth + 1));
    const keys = Object.keys(s);
    if (keys.length === 1 && keys[0] === '$tensor') {
      const t = tensors.get(s.$tensor as string);
      if (t === undefined) throw fail(`no tensor '${s.$tensor}' in the file`);
      return t;
    }
    if (keys.length === 1 && keys[0] === '$num') return decodeNumber(s.$num, fail);
    if (keys.length === 1 && keys[0] === '$object') return visitObject(s.$object, depth);
    return visitObject(s, depth);
  };
  const visitObject = (s: Structure, depth: number): Record<string, unknown> => {
    if (s === null || typeof s !== 'object' || Array.isArray(s))
      throw fail('$object is not an object');
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, visit(v, depth + 1)]));
  };
  return visit(structure, 0);
}

function encodeNumber(v: number): Structure {
  if (Number.isNaN(v)) return { $num: 'nan' };
  if (v === Infinity) return { $num: 'inf' };
  if (v === -Infinity) return { $num: '-inf' };
  if (Object.is(v, -0)) return { $num: '-0' };
  return v;
}

function decodeNumber(s: Structure, fail: (why: string) => SerializeError): number {
  const values: Record<string, number> = {
    nan: Number.NaN,
    inf: Infinity,
    '-inf': -Infinity,
    '-0': -0,
  };
  if (typeof s !== 'string' || !(s in values)) throw fail(`unknown $num ${JSON.stringify(s)}`);
  return values[s];
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function unsupported(what: string, path: (string | number)[]): SerializeError {
  return new SerializeError(
    `serialize: cannot save a ${what} at '${path.join('.')}': a checkpoint holds tensors, numbers, strings, booleans, null, arrays and plain objects (save a module's stateDict(), not the module)`,
  );
}
