import { readFileSync, writeFileSync } from 'node:fs';
import { type DType, type Tensor, tensor } from '@tensile/tensor';
import { describe, expect, test } from 'vitest';
import { deserialize, serialize } from '../src';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

/**
 * The checkpoint behind fixtures/tensile.safetensors, which tools/fixtures/optim.py reads back
 * with a Python safetensors reader and checks tensor by tensor against the same values.
 */
export function interopCheckpoint() {
  const t = (data: unknown, dtype: DType) => tensor(data as number[], { dtype });
  return {
    model: {
      'features.0.weight': t(
        [
          [0.5, -1.25, 2],
          [3, 0, -0.125],
        ],
        'float32',
      ),
      'features.0.bias': t([0.25, -0.75], 'float32'),
      'bn.running_mean': t([0.1, -0.2], 'float64'),
      'bn.num_batches_tracked': t(7, 'int64'),
    },
    optimizer: {
      state: { 0: { step: t(3, 'float32'), expAvg: t([1.5, -0.5], 'float32') } },
      paramGroups: [{ lr: 0.001, betas: [0.9, 0.999], params: [0, 1] }],
    },
    extras: {
      mask: t(
        [
          [true, false],
          [false, true],
        ],
        'bool',
      ),
      pixels: t([0, 128, 255], 'uint8'),
      counts: t([-3, 0, 2147483647], 'int32'),
      big: t([2 ** 53 - 1, -(2 ** 53 - 1), 0], 'int64'),
      transposed: t([0, 1, 2, 3, 4, 5], 'float32').reshape([2, 3]).t(),
    },
    epoch: 3,
    name: 'run-1',
    done: false,
    nothing: null,
    best: Infinity,
  };
}

interface ExpectedTensor {
  dtype: DType;
  shape: number[];
  data: Array<number | boolean | { $num: string }>;
}

function decode(v: number | boolean | { $num: string }): number {
  if (typeof v !== 'object') return Number(v);
  return { nan: Number.NaN, inf: Infinity, '-inf': -Infinity }[v.$num] ?? Number.NaN;
}

function expectBitExact(actual: Tensor, expected: ExpectedTensor, key: string): void {
  expect([actual.dtype, [...actual.shape]], key).toEqual([expected.dtype, expected.shape]);
  const data = [...actual.dataSync()];
  // Object.is tells -0 from 0 and NaN from everything else, as a bitwise compare would.
  data.forEach((v, i) => {
    expect(Object.is(v, decode(expected.data[i])), `${key}[${i}]: ${v}`).toBe(true);
  });
}

describe('safetensors interop with Python', () => {
  test('a file written by Python loads as a flat object of its tensors, bit-exact', () => {
    const loaded = deserialize<Record<string, Tensor>>(readFileSync(fixture('python.safetensors')));
    const expected: Record<string, ExpectedTensor> = JSON.parse(
      readFileSync(fixture('python.json'), 'utf8'),
    );
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, e] of Object.entries(expected)) expectBitExact(loaded[key], e, key);
  });

  test('serialize writes exactly the committed file that Python read back', () => {
    const bytes = serialize(interopCheckpoint());
    // TENSILE_UPDATE_FIXTURES=1 rewrites it after a deliberate format change; then rerun
    // tools/fixtures/optim.py, which checks the new file with its Python reader.
    if (process.env.TENSILE_UPDATE_FIXTURES === '1')
      writeFileSync(fixture('tensile.safetensors'), bytes);
    expect(Buffer.from(bytes).equals(readFileSync(fixture('tensile.safetensors')))).toBe(true);
  });
});
