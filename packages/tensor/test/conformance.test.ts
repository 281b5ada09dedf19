import { beforeAll, describe, expect, it } from 'vitest';
import * as T from '../src/index';
import { arrayBackend } from './backends/array-backend';
import { CASES, close, inputs, plain } from './conformance/cases';

/** Every conformance case on the CPU backend and the naive 'array' backend (test/backends). */
const BACKENDS = ['cpu', 'array'];

beforeAll(() => T.registerBackend(arrayBackend));

describe.each(['contiguous', 'strided'] as const)('conformance (%s inputs)', (layout) => {
  it.each(CASES)('%s agrees on every backend', (_, run) => {
    const [reference, ...rest] = BACKENDS.map((device) => {
      const [x, y, i] = inputs(layout, device);
      const r = run(x, y, i);
      if (r instanceof T.Tensor) expect(r.device).toBe(device);
      return plain(r);
    });
    for (const r of rest) close(reference, r);
  });
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
