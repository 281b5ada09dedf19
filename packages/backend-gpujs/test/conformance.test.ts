import * as T from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { CASES, close, inputs, plain } from '../../tensor/test/conformance/cases';
import { gpuReady } from './gpu';

/** The tensor package's conformance cases, on 'gpu' against 'cpu'. */
describe.skipIf(!gpuReady).each(['contiguous', 'strided'] as const)(
  'gpu conformance (%s inputs)',
  (layout) => {
    it.each(CASES)('%s agrees with the CPU', (_, run) => {
      const [reference, gpu] = ['cpu', 'gpu'].map((device) => {
        const [x, y, i] = inputs(layout, device);
        const r = run(x, y, i);
        if (r instanceof T.Tensor) expect(r.device).toBe(device);
        return plain(r);
      });
      close(reference, gpu);
    });
  },
);
