import '@tensile/autograd';
import * as T from '@tensile/tensor';
import {
  CONFORMANCE_CASES,
  type ConformanceCase,
  compareResults,
  conformanceInputs,
  plainResult,
} from '@tensile/tensor/testing';
import { describe, expect, it } from 'vitest';
import { gpuReady } from './gpu';

/**
 * Gradients of the conformance cases: d(sum(out * w))/dx and /dy on 'gpu' against 'cpu', for
 * every case whose output is a float tensor that autograd differentiates on the CPU.
 */
function grads(run: ConformanceCase[1], layout: 'contiguous' | 'strided', device: string) {
  const [x0, y0, i] = conformanceInputs(layout, device);
  const x = x0.detach().requiresGrad_(true);
  const y = y0.detach().requiresGrad_(true);
  const out = run(x, y, i);
  const first = Array.isArray(out) ? out[0] : out;
  if (!(first instanceof T.Tensor) || !first.requiresGrad) return null;
  const w = T.randn(first.shape, { generator: new T.Generator(3) }).to(device);
  first.mul(w).sum().backward();
  return [x.grad, y.grad].map((g) => (g ? plainResult(g) : null));
}

describe.skipIf(!gpuReady).each(['contiguous', 'strided'] as const)(
  'gpu gradients (%s inputs)',
  (layout) => {
    it.each(CONFORMANCE_CASES)('%s: gradients agree with the CPU', (_, run) => {
      const cpu = grads(run, layout, 'cpu');
      const gpu = grads(run, layout, 'gpu');
      expect(gpu === null).toBe(cpu === null);
      if (cpu && gpu) expect(compareResults(cpu, gpu)).toEqual([]);
    });
  },
);
