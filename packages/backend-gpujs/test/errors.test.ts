import * as T from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { gpuReady } from './gpu';

describe.skipIf(!gpuReady)('gpu errors', () => {
  it('refuses float64, naming the dtype and the way out', () => {
    expect(() => T.ones([2], { dtype: 'float64', device: 'gpu' })).toThrow(T.DTypeError);
    expect(() => T.ones([2], { device: 'gpu' }).double()).toThrow(/float64.*\.float\(\)/);
    expect(() => T.ones([2], { dtype: 'float64' }).to('gpu')).toThrow(/float64/);
  });

  it('refuses complex tensors, which live on the CPU', () => {
    expect(() => T.zeros([2], { dtype: 'complex64', device: 'gpu' })).toThrow(/CPU only/);
    const z = T.complex(T.ones([2]), T.zeros([2]));
    expect(() => z.to('gpu')).toThrow(/complex64 tensors are supported on the CPU only/);
    expect(() => T.viewAsComplex(T.ones([2, 2], { device: 'gpu' }))).toThrow(/CPU only/);
    expect(() => T.linalg.eigvals(T.eye(2, 2, { device: 'gpu' }))).toThrow(/\.to\('cpu'\)/);
  });

  it('does not mix devices in one op', () => {
    const a = T.ones([2], { device: 'gpu' });
    const b = T.ones([2]);
    expect(() => a.add(b)).toThrow(/Expected all tensors to be on the same device.*gpu and cpu/);
    expect(() => a.matmul(T.ones([2, 2]))).toThrow(T.DeviceError);
  });

  it('checks indices before any kernel runs', () => {
    const x = T.arange(6, { device: 'gpu' }).float();
    expect(() => x.gather(0, T.tensor([7], { device: 'gpu' }))).toThrow(T.IndexError);
    expect(() => x.gather(0, T.tensor([1]))).toThrow(/gather.*same device/);
    expect(() => x.scatterAdd(0, T.tensor([1], { device: 'gpu' }), T.ones([1]))).toThrow(
      T.DeviceError,
    );
  });
});
