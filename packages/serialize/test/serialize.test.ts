import { arange, type Tensor, tensor, viewAsComplex } from '@tensile/tensor';
import { describe, expect, test } from 'vitest';
import { deserialize, SerializeError, serialize } from '../src';

/** Header and data of safetensors bytes, parsed by hand to check the layout. */
function parse(bytes: Uint8Array) {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  return { n, header, data: bytes.subarray(8 + n) };
}

function bitsOf(t: Tensor): number[] {
  const data = t.dataSync();
  return [...new Uint8Array(data.buffer, data.byteOffset, data.byteLength)];
}

describe('serialize / deserialize', () => {
  test('refuses complex tensors, which safetensors has no dtype for', () => {
    const z = viewAsComplex(tensor([[1, 2]], { dtype: 'float32' }));
    expect(() => serialize({ z })).toThrow(SerializeError);
    expect(() => serialize({ z })).toThrow(/'z' is complex64.*viewAsReal/);
  });

  test('round-trips every dtype bit-exactly, including special floats', () => {
    const values = {
      f32: tensor([0.1, -0, Number.NaN, Infinity, -Infinity, 1e-45, 3.4e38], { dtype: 'float32' }),
      f64: tensor([0.1, -0, Number.NaN, 5e-324, -1.7976931348623157e308], { dtype: 'float64' }),
      i32: tensor([-2147483648, 0, 2147483647], { dtype: 'int32' }),
      i64: tensor([-(2 ** 53 - 1), -1, 0, 2 ** 53 - 1], { dtype: 'int64' }),
      u8: tensor([0, 1, 255], { dtype: 'uint8' }),
      bool: tensor([true, false, true], { dtype: 'bool' }),
      scalar: tensor(2.5, { dtype: 'float64' }),
      empty: tensor([], { dtype: 'float32' }).reshape([0, 4]),
    };
    const back = deserialize<Record<string, Tensor>>(serialize(values));
    for (const [key, t] of Object.entries(values)) {
      expect([back[key].dtype, [...back[key].shape]], key).toEqual([t.dtype, [...t.shape]]);
      expect(bitsOf(back[key]), key).toEqual(bitsOf(t));
    }
  });

  test('writes non-contiguous tensors contiguous, in row-major order', () => {
    const t = arange(0, 12, 1, { dtype: 'float32' }).reshape([3, 4]).t().slice(0, 1, 3);
    expect(t.isContiguous()).toBe(false);
    const back = deserialize<{ t: Tensor }>(serialize({ t })).t;
    expect(back.isContiguous()).toBe(true);
    expect(back.tolist()).toEqual(t.tolist());
  });

  test('keeps the structure: nesting, numbers JSON cannot hold, strings, booleans, null', () => {
    const w = tensor([1.5, 2.5], { dtype: 'float32' });
    const value = {
      model: { 'fc.weight': w },
      optimizer: {
        state: { 0: { step: 3, momentumBuffer: null } },
        paramGroups: [{ lr: 0.1, betas: [0.9, 0.999], params: [0] }],
      },
      numbers: [Number.NaN, Infinity, -Infinity, -0, 1e-300],
      text: 'naïve ✓',
      flags: [true, false],
      dollar: { $tensor: 'not a tensor', $num: 'nan' },
      nested: [[w]],
      skipped: undefined,
    };
    const back = deserialize<typeof value>(serialize(value));
    expect(back.model['fc.weight'].tolist()).toEqual([1.5, 2.5]);
    expect(back.optimizer).toEqual(value.optimizer);
    expect(back.numbers).toEqual([Number.NaN, Infinity, -Infinity, -0, 1e-300]);
    expect(Object.is(back.numbers[3], -0)).toBe(true);
    expect([back.text, back.flags, back.dollar]).toEqual([value.text, value.flags, value.dollar]);
    // The same tensor referenced twice is stored once and comes back as one tensor.
    expect(back.nested[0][0]).toBe(back.model['fc.weight']);
    expect('skipped' in back).toBe(false);
  });

  test('stores each tensor under its dotted path, in a valid safetensors layout', () => {
    const value = {
      model: { 'features.0.weight': tensor([[1, 2]], { dtype: 'float32' }) },
      optimizer: { state: { 0: { expAvg: tensor([3], { dtype: 'float64' }) } } },
      list: [tensor([true], { dtype: 'bool' })],
      'a.b': tensor([1], { dtype: 'int32' }),
      a: { b: tensor([2], { dtype: 'int32' }) },
    };
    const bytes = serialize(value);
    const { n, header, data } = parse(bytes);
    expect(n % 8).toBe(0);
    expect(Object.keys(header).sort()).toEqual([
      '__metadata__',
      'a.b',
      'a.b#2',
      'list.0',
      'model.features.0.weight',
      'optimizer.state.0.expAvg',
    ]);
    expect(header['optimizer.state.0.expAvg']).toEqual({
      dtype: 'F64',
      shape: [1],
      data_offsets: [0, 8],
    });
    expect(header['model.features.0.weight'].dtype).toBe('F32');
    expect(header.__metadata__.format).toBe('pt');
    // Offsets tile the data; every tensor is aligned to its element size.
    const spans = Object.entries(header)
      .filter(([k]) => k !== '__metadata__')
      .map(([, v]) => (v as { data_offsets: [number, number] }).data_offsets)
      .sort((x, y) => x[0] - y[0]);
    spans.reduce((end, [b, e]) => {
      expect(b).toBe(end);
      return e;
    }, 0);
    expect(spans.at(-1)![1]).toBe(data.length);
    const back = deserialize<typeof value>(bytes);
    expect([back['a.b'].item(), back.a.b.item()]).toEqual([1, 2]);
  });

  test('refuses values a checkpoint cannot hold, naming where they are', () => {
    expect(() => serialize({ a: { f: () => 1 } })).toThrow(SerializeError);
    expect(() => serialize({ a: { f: () => 1 } })).toThrow("cannot save a function at 'a.f'");
    expect(() => serialize({ m: new Map() })).toThrow("cannot save a Map at 'm'");
    expect(() => serialize({ n: 1n })).toThrow("cannot save a bigint at 'n'");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = { back: cyclic };
    expect(() => serialize(cyclic)).toThrow("a cycle at 'self.back'");
  });

  test('refuses int64 values beyond 2^53 on write and on read', () => {
    expect(() => serialize({ big: tensor([2 ** 53], { dtype: 'int64' }) })).toThrow(
      "int64 tensor 'big' holds 9007199254740992 at index 0",
    );
    const bytes = serialize({ ok: tensor([1, 2], { dtype: 'int64' }) });
    const { n } = parse(bytes);
    new DataView(bytes.buffer).setBigInt64(8 + n + 8, 2n ** 60n, true);
    expect(() => deserialize(bytes, { source: 'ckpt.safetensors' })).toThrow(
      "ckpt.safetensors: int64 tensor 'ok' holds 1152921504606846976 at index 1",
    );
  });
});

describe('corrupt or truncated bytes give an error naming the file, never a partial result', () => {
  const good = serialize({ w: tensor([1, 2, 3], { dtype: 'float32' }), n: 3 });
  const { n } = parse(good);
  const load = (bytes: Uint8Array) => () =>
    deserialize(bytes, { source: '/ckpt/model.safetensors' });
  const withHeader = (header: unknown, dataLength: number) => {
    let json = JSON.stringify(header);
    json += ' '.repeat((8 - (json.length % 8)) % 8);
    const out = new Uint8Array(8 + json.length + dataLength);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(new TextEncoder().encode(json), 8);
    return out;
  };
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['empty', new Uint8Array(0), /0 bytes is too short/],
    ['cut inside the length', good.subarray(0, 5), /too short/],
    ['cut inside the header', good.subarray(0, 8 + n - 3), /bad header length/],
    ['cut inside the data', good.subarray(0, good.length - 1), /size mismatch|outside the/],
    ['trailing bytes', new Uint8Array([...good, 0]), /size mismatch/],
    ['not JSON', withHeader('x', 0).fill(0x7b, 8), /bad JSON header/],
    ['JSON array', withHeader([1], 0), /not an object/],
    [
      'unknown dtype',
      withHeader({ w: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }, 2),
      /dtype "F16"/,
    ],
    [
      'bad shape',
      withHeader({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4),
      /bad shape/,
    ],
    [
      'offsets out of range',
      withHeader({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 4),
      /outside the 4 bytes/,
    ],
    [
      'size not dtype * shape',
      withHeader({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8),
      /needs 12 bytes, its data_offsets span 8/,
    ],
    [
      'overlapping tensors',
      withHeader(
        {
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        },
        4,
      ),
      /gap or overlap/,
    ],
    ['bad metadata', withHeader({ __metadata__: { a: 1 } }, 0), /__metadata__ must map strings/],
    [
      'bad structure',
      withHeader({ __metadata__: { tensile: '{"w":{"$tensor":"missing"}}' } }, 0),
      /no tensor 'missing'/,
    ],
    [
      // 100,000 levels: the rebuild had recursed past the stack (a raw RangeError).
      'structure nested too deep',
      withHeader({ __metadata__: { tensile: `${'['.repeat(1e5)}${']'.repeat(1e5)}` } }, 0),
      /nested deeper than 1000 levels/,
    ],
  ];
  for (const [what, bytes, message] of cases) {
    test(what, () => {
      expect(load(bytes)).toThrow(SerializeError);
      expect(load(bytes)).toThrow(message);
      expect(load(bytes)).toThrow(/^\/ckpt\/model\.safetensors: /);
    });
  }

  test('a value nested deeper than 1000 levels is refused on save, not a stack overflow', () => {
    let deep: unknown = tensor([1]);
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => serialize(deep)).toThrow(SerializeError);
    expect(() => serialize(deep)).toThrow(/serialize: nested deeper than 1000 levels/);
    let ok: unknown = 1;
    for (let i = 0; i < 999; i++) ok = { a: ok };
    expect(JSON.stringify(deserialize(serialize(ok)))).toBe(JSON.stringify(ok));
  });

  test('a huge header length is refused before anything is read', () => {
    const bytes = new Uint8Array(good);
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 40n, true);
    expect(load(bytes)).toThrow(/bad header length 1099511627776/);
  });
});
