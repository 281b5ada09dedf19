import '@tensile/autograd';
import { Conv2d } from '@tensile/nn';
import { manualSeed, noGrad, randn, type Tensor } from '@tensile/tensor';
import { msCase, time } from '../timing';
import type { CaseResult, Workload } from './types';

const TIMES = { warmup: 2, runs: 10 };

/** W4: Conv2d(3,64,3,padding=1) on [64,3,32,32], forward alone and forward + backward. */
export const w4: Workload = {
  id: 'W4',
  title: 'Conv2d(3,64,3,padding=1) on [64,3,32,32]',
  run(): CaseResult[] {
    manualSeed(0);
    const conv = new Conv2d(3, 64, 3, { padding: 1 });
    const x = randn([64, 3, 32, 32]);
    // Forward as in inference (no graph recorded); reading one element back forces completion.
    const forward = time(() => noGrad(() => conv.forward(x).dataSync()), TIMES);
    const xg = randn([64, 3, 32, 32]).requiresGrad_();
    const both = time(() => {
      conv.zeroGrad();
      xg.grad = null;
      (conv.forward(xg) as Tensor).sum().backward();
      (conv.weight.grad as Tensor).dataSync();
    }, TIMES);
    return [msCase('forward', forward), msCase('forward + backward', both)];
  },
};
