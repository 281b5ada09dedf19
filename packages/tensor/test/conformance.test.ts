import { beforeAll, describe, expect, it } from 'vitest';
import * as T from '../src/index';
import { compareResults, conformanceCases } from '../src/testing';
import { arrayBackend } from './backends/array-backend';

beforeAll(() => T.registerBackend(arrayBackend));

// Every conformance case on the naive 'array' backend (test/backends) against the CPU's.
describe('conformance', () => {
  it.each(conformanceCases('array').map((c) => [`${c.name} (${c.layout})`, c] as const))(
    '%s agrees with the CPU backend',
    (_, c) => {
      expect(c.run()).toEqual([]);
    },
  );
});

describe('setDefaultDevice', () => {
  it('makes factories use the device and rejects unknown names', () => {
    expect(T.getDefaultDevice()).toBe('cpu');
    T.setDefaultDevice('array');
    try {
      expect(T.zeros([2]).device).toBe('array');
      expect(T.tensor([1, 2]).device).toBe('array');
      expect(T.randn([3]).device).toBe('array');
      expect(T.ones([1], { device: 'cpu' }).device).toBe('cpu');
    } finally {
      T.setDefaultDevice('cpu');
    }
    expect(() => T.setDefaultDevice('tpu')).toThrow(/no backend named 'tpu'/);
    expect(T.getDefaultDevice()).toBe('cpu');
  });
});

describe('devices', () => {
  it('arange takes options after end alone, as torch.arange(end, device=...)', () => {
    const a = T.arange(3, { device: 'array', dtype: 'float32' });
    expect([a.device, a.dtype, Array.from(a.dataSync())]).toEqual(['array', 'float32', [0, 1, 2]]);
  });

  it('index ops refuse tensors on two devices', () => {
    const x = T.arange(4).float();
    const i = T.tensor([1], { device: 'array' });
    expect(() => x.gather(0, i)).toThrow(/gather.*same device.*cpu and array/);
    expect(() => x.scatterAdd(0, i, T.ones([1]))).toThrow(T.DeviceError);
  });
});

describe('compareResults', () => {
  it('names the first difference of dtype, shape, element or scalar', () => {
    const t = (dtype: string, shape: number[], data: number[]) => ({ dtype, shape, data });
    expect(compareResults(t('float32', [2], [1, 2]), t('float32', [2], [1, 2 + 1e-6]))).toEqual([]);
    expect(compareResults(t('float32', [2], [1, 2]), t('float32', [2], [1, 2.1]))).toEqual([
      'result: element 1 is 2.1, expected 2',
    ]);
    expect(compareResults(t('float32', [2], [1, 2]), t('int64', [2], [1, 2]))).toEqual([
      'result: dtype int64, expected float32',
    ]);
    expect(compareResults([t('bool', [1], [1]), 3], [t('bool', [2], [1, 1]), 3])).toEqual([
      'result[0]: shape [2], expected [1]',
    ]);
    expect(compareResults(Number.NaN, Number.NaN)).toEqual([]);
    expect(compareResults(true, false)).toEqual(['result: false, expected true']);
  });
});
