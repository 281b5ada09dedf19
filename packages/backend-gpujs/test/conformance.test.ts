import { conformanceCases } from '@tensile/tensor/testing';
import { describe, expect, it } from 'vitest';
import { gpuReady } from './gpu';

/** The tensor package's conformance cases (@tensile/tensor/testing), on 'gpu' against 'cpu'. */
describe.skipIf(!gpuReady)('gpu conformance', () => {
  it.each(conformanceCases('gpu').map((c) => [`${c.name} (${c.layout} inputs)`, c] as const))(
    '%s agrees with the CPU',
    (_, c) => {
      expect(c.run()).toEqual([]);
    },
  );
});
