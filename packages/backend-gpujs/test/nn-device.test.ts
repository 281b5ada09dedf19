/**
 * nn's functional ops that build index or weight tensors on the host make them on their input's
 * device: on the gpu they ran into "Expected all tensors to be on the same device".
 */
import { F, packPaddedSequence, padPackedSequence } from '@tensile/nn';
import * as T from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { gpuReady } from './gpu';

describe.skipIf(!gpuReady)('nn ops with host-made indices on the gpu', () => {
  const x = T.randn([2, 3, 5, 6], { generator: new T.Generator(1) });
  const cases: [string, (t: T.Tensor) => T.Tensor][] = [
    ['pad reflect', (t) => F.pad(t, [2, 1, 1, 2], { mode: 'reflect' })],
    ['pad replicate', (t) => F.pad(t, [1, 1, 1, 1], { mode: 'replicate' })],
    ['pad circular', (t) => F.pad(t, [1, 2, 0, 1], { mode: 'circular' })],
    ['interpolate bilinear', (t) => F.interpolate(t, { size: [7, 9], mode: 'bilinear' })],
    ['interpolate bicubic', (t) => F.interpolate(t, { scaleFactor: 1.5, mode: 'bicubic' })],
    ['adaptive average pooling', (t) => F.adaptiveAvgPool2d(t, [3, 4])],
    ['pairwise distance rows', (t) => F.pdist(t.reshape([6, -1]))],
    [
      'pack and pad sequences',
      (t) => {
        const seq = t.reshape([5, 6, 6]);
        const packed = packPaddedSequence(seq, [5, 3, 2, 2, 1, 1], { enforceSorted: false });
        return padPackedSequence(packed)[0];
      },
    ],
  ];
  it.each(cases)('%s stays on the gpu and matches the cpu', (_, fn) => {
    const want = fn(x);
    const got = fn(x.to('gpu'));
    expect(got.device).toBe('gpu');
    expect(got.shape).toEqual(want.shape);
    expect(got.to('cpu').sub(want).abs().max().item()).toBeLessThan(1e-4);
  });

  it('embedding with maxNorm, paddingIdx and scaleGradByFreq', () => {
    const w = T.randn([6, 4], { generator: new T.Generator(2) })
      .to('gpu')
      .requiresGrad_();
    const ids = T.tensor(
      [
        [0, 2, 2],
        [5, 1, 0],
      ],
      { dtype: 'int64', device: 'gpu' },
    );
    const out = F.embedding(ids, w, { maxNorm: 1, paddingIdx: 0, scaleGradByFreq: true });
    out.sum().backward();
    expect(out.device).toBe('gpu');
    expect(w.grad?.device).toBe('gpu');
  });
});
