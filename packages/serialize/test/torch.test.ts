/**
 * torch.save files both ways (issue 20): files Debian's PyTorch wrote (tools/fixtures/torch_pt.py)
 * load value for value, a PyTorch state dict loads into the same Tensile network and gives
 * PyTorch's outputs, and the committed tensile.pt / tensile-model.pt, which that script loads
 * with torch.load(weights_only=True), are what save writes today.
 */
import '@tensile/autograd';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@tensile/nn';
import { complex, manualSeed, noGrad, type Tensor, tensor, viewAsReal } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../tools/fuzz';
import { decodeTorch, deserialize, encodeTorch, load, SerializeError, save } from '../src';
import { Pickler } from '../src/torch/pickle';
import { writeZip } from '../src/torch/zip';
import { interopCheckpoint } from './interop.test';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const json = (name: string) => JSON.parse(readFileSync(fixture(name), 'utf8'));
const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

interface TensorJson {
  $tensor: { dtype: string; shape: number[]; data: unknown[] };
}
// biome-ignore lint/suspicious/noExplicitAny: the fixture is JSON of any shape.
type Expected = any;

const number = (v: unknown) =>
  typeof v === 'object' && v !== null
    ? ({ nan: Number.NaN, inf: Infinity, '-inf': -Infinity } as Record<string, number>)[
        (v as { $num: string }).$num
      ]
    : Number(v);

/** `actual` against the JSON torch_pt.py wrote of the same value. */
function expectLike(actual: unknown, expected: Expected, path: string): void {
  if (expected !== null && typeof expected === 'object' && '$tensor' in expected) {
    const t = actual as Tensor;
    const e = (expected as TensorJson).$tensor;
    expect([t.dtype, [...t.shape]], path).toEqual([e.dtype, e.shape]);
    const got = [...t.dataSync()];
    e.data.forEach((v, i) => {
      expect(Object.is(got[i], number(v)), `${path}[${i}]: ${got[i]} vs ${v}`).toBe(true);
    });
  } else if (expected !== null && typeof expected === 'object' && '$num' in expected) {
    expect(actual).toBe(number(expected));
  } else if (Array.isArray(expected)) {
    expect((actual as unknown[]).length, path).toBe(expected.length);
    expected.forEach((e, i) => {
      expectLike((actual as unknown[])[i], e, `${path}[${i}]`);
    });
  } else if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object), path).toEqual(Object.keys(expected));
    for (const [k, e] of Object.entries(expected))
      expectLike((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
  } else expect(actual, path).toBe(expected);
}

/** Complex tensors (tools/fixtures/torch_pt.py's check_tensile_complex checks them in torch). */
function complexCheckpoint() {
  const f64 = (data: number[]) => tensor(data, { dtype: 'float64' });
  const z = complex(
    tensor([1, -3.5, 0], { dtype: 'float32' }),
    tensor([2, -4, 0.25], { dtype: 'float32' }),
  );
  // A transposed view: saved with its strides over the whole storage.
  const m = complex(f64([0, 1, 2, 3, 4, 5]), f64([-1, 0, 1, 2, -3, -6]))
    .view([2, 3])
    .t();
  return { z, m, parts: viewAsReal(z) };
}

/** tools/fixtures/torch_pt.py's lenet_like(), in Tensile. */
function lenetLike() {
  return new Sequential(
    new Conv2d(1, 4, 3, { padding: 1 }),
    new BatchNorm2d(4),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(4 * 4 * 4, 10),
  );
}

const tensorOf = (e: TensorJson) =>
  tensor(e.$tensor.data.map(number), { dtype: 'float32' }).reshape(e.$tensor.shape);

describe('torch.save files', () => {
  it.each(['python.pt', 'python-legacy.pt'])(
    'a checkpoint PyTorch saved (%s) loads value for value: every dtype, views, containers',
    async (name) => {
      const loaded = await load<Record<string, Record<string, Tensor>>>(fixture(name).pathname);
      expectLike(loaded, json('python-pt.json').value, name);
      // A view saved with its base shares the base's storage, as in PyTorch.
      loaded.tensors.base.fill_(-1);
      expect([...loaded.tensors.column.dataSync()]).toEqual([-1, -1, -1]);
    },
  );

  it("a PyTorch state dict loads strictly into the same network and gives PyTorch's outputs", async () => {
    const net = lenetLike();
    expect(net.loadStateDict(await load(fixture('model.pt').pathname))).toEqual({
      missingKeys: [],
      unexpectedKeys: [],
    });
    net.eval();
    const { input, output } = json('model-pt.json');
    const y = noGrad(() => net.forward(tensorOf(input)));
    const want = tensorOf(output);
    expect(y.shape).toEqual(want.shape);
    expect(y.sub(want).abs().max().item()).toBeLessThan(1e-5);
  });

  it('save writes the committed tensile.pt and tensile-model.pt, which torch.load reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'torch-pt-'));
    manualSeed(0);
    const files: [string, unknown][] = [
      ['tensile.pt', interopCheckpoint()],
      ['tensile-model.pt', lenetLike().stateDict()],
      ['tensile-complex.pt', complexCheckpoint()],
    ];
    for (const [name, value] of files) {
      const path = join(dir, name);
      await save(value, path);
      const bytes = readFileSync(path);
      // The archive is named after the file, as torch.save names it.
      const named = concat(encodeTorch(value, name.replace('.pt', '')));
      expect(bytes.equals(named)).toBe(true);
      // TENSILE_UPDATE_FIXTURES=1 rewrites them after a deliberate change; then rerun
      // tools/fixtures/torch_pt.py, which loads both with torch.load.
      if (process.env.TENSILE_UPDATE_FIXTURES === '1') writeFileSync(fixture(name), bytes);
      expect(bytes.equals(readFileSync(fixture(name))), name).toBe(true);
    }
    const back = await load<ReturnType<typeof interopCheckpoint>>(join(dir, 'tensile.pt'));
    expect(Object.keys(back)).toEqual(Object.keys(interopCheckpoint()));
    expect([...back.extras.transposed.dataSync()]).toEqual([0, 3, 1, 4, 2, 5]);
    expect(back.extras.big.dtype).toBe('int64');
    expect(back.optimizer.paramGroups[0].betas).toEqual([0.9, 0.999]);
    expect(back.best).toBe(Infinity);
    // Safetensors stays the default elsewhere; format says otherwise.
    await save({ w: tensor([1, 2]) }, join(dir, 'ckpt.safetensors'));
    expect(readFileSync(join(dir, 'ckpt.safetensors')).subarray(0, 2).toString()).not.toBe('PK');
    await save({ w: tensor([1, 2]) }, join(dir, 'ckpt.bin'), { format: 'torch' });
    expect(readFileSync(join(dir, 'ckpt.bin')).subarray(0, 2).toString()).toBe('PK');
  });

  it('refuses globals other than containers and tensors, by name, and runs nothing', () => {
    const pkl = new Pickler().global('os', 'system').string('echo hi').op(0x85, 0x52).finish();
    const file = concat(writeZip([['archive/data.pkl', pkl]]));
    expect(() => decodeTorch(file, 'evil.pt')).toThrow(
      /evil\.pt: refusing to load os\.system: only tensors and plain containers load/,
    );
  });

  it('a memo bomb loads in time and memory linear in its size', () => {
    // L0 = []; L(k+1) = [Lk, Lk], 80 levels deep: 2^80 paths over 81 lists.
    const p = new Pickler().op(0x5d, 0x71, 0, 0x30); // EMPTY_LIST, BINPUT 0, POP
    for (let k = 0; k < 80; k++) {
      // EMPTY_LIST, BINGET k, APPEND, BINGET k, APPEND, BINPUT k+1 (then POP, but the last)
      p.op(0x5d, 0x68, k, 0x61, 0x68, k, 0x61, 0x71, k + 1);
      if (k < 79) p.op(0x30);
    }
    const file = concat(writeZip([['archive/data.pkl', p.finish()]]));
    const top = decodeTorch(file, 'bomb.pt') as unknown[][];
    expect(top[0]).toBe(top[1]);
  });

  it('names what is wrong with a damaged, legacy or foreign file', async () => {
    const good = readFileSync(fixture('python.pt'));
    const flipped = new Uint8Array(good);
    // A byte of the pickle itself (the zip's alignment padding around it may change freely).
    const header = good.indexOf('python/data.pkl') - 30;
    flipped[header + 30 + good.readUInt16LE(header + 26) + good.readUInt16LE(header + 28) + 9] ^=
      0xff;
    expect(() => deserialize(flipped, { source: 'f.pt' })).toThrow(SerializeError);
    expect(() => deserialize(good.subarray(0, good.length - 30), { source: 't.pt' })).toThrow(
      /t\.pt: not a readable torch\.save zip/,
    );
    const legacy = readFileSync(fixture('python-legacy.pt'));
    expect(() => deserialize(legacy.subarray(0, legacy.length - 9), { source: 'old.pt' })).toThrow(
      /old\.pt: storage \d+ runs past the end of the file/,
    );
    expect(() => deserialize(Uint8Array.of(0x80, 2, 0x4b, 7, 0x2e), { source: 'p.pkl' })).toThrow(
      /p\.pkl: a pickle without torch\.save's magic number/,
    );
    for (const [name, bytes] of [
      ['fuzz.pt', good],
      ['fuzz-legacy.pt', legacy],
    ] as const)
      expect(
        fuzz(bytes, (b) => deserialize(b, { source: name }), [SerializeError], 2000),
        name,
      ).toEqual([]);
  });
});
