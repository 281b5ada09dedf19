import '@tensile/autograd';
import { Conv2d } from '@tensile/nn';
import { manualSeed, noGrad, randn, type Tensor } from '@tensile/tensor';
import { msCase, time } from '../timing';
import { first, unit } from './device';
import type { CaseResult, RunOptions, Workload } from './types';

const TIMES = { warmup: 2, runs: 10 };

/** W4: Conv2d(3,64,3,padding=1) on [64,3,32,32], forward alone and forward + backward. */
export const w4: Workload = {
  id: 'W4',
  title: 'Conv2d(3,64,3,padding=1) on [64,3,32,32]',
  run({ device }: RunOptions): CaseResult[] {
    manualSeed(0);
    const conv = new Conv2d(3, 64, 3, { padding: 1 }).to(device);
    const x = randn([64, 3, 32, 32]).to(device);
    // Forward as in inference (no graph recorded); reading one element back forces completion.
    const forward = time(
      unit(() => noGrad(() => first(conv.forward(x)))),
      TIMES,
    );
    const xg = randn([64, 3, 32, 32]).to(device).requiresGrad_();
    // Both gradients are read, whichever the engine computes last.
    const grads = () => [conv.weight.grad, xg.grad] as Tensor[];
    const both = time(
      unit(() => {
        conv.zeroGrad();
        xg.grad = null;
        (conv.forward(xg) as Tensor).sum().backward();
        return grads().reduce((sum, g) => sum + first(g), 0);
      }),
      TIMES,
    );
    return [msCase('forward', forward), msCase('forward + backward', both)];
  },
};
