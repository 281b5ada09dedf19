import '@tensile/autograd';
import { LSTM } from '@tensile/nn';
import { manualSeed, randn } from '@tensile/tensor';
import { msCase, time } from '../timing';
import { unit } from './device';
import type { CaseResult, Workload } from './types';

/** W5: LSTM(input 32, hidden 128) over a sequence of 50, batch 32: forward + backward. */
export const w5: Workload = {
  id: 'W5',
  title: 'LSTM(32, 128), sequence 50, batch 32',
  run(): CaseResult[] {
    manualSeed(0);
    const lstm = new LSTM(32, 128);
    const x = randn([50, 32, 32]);
    // In a scope as every other Tensile unit here: without one each step's arrays are fresh
    // allocations, and the garbage collector ran a full mark-compact about once per step.
    const both = time(
      unit(() => {
        lstm.zeroGrad();
        const [out] = lstm.forward(x);
        out.sum().backward();
        return lstm.getParameter('weight_ih_l0').grad?.dataSync()[0] ?? 0;
      }),
      { warmup: 1, runs: 5 },
    );
    return [msCase('forward + backward', both)];
  },
};
