import { manualSeed, randint, randn } from '@tensile/tensor';
import { msCase, time } from '../timing';
import { lenet } from './models';
import { trainer } from './train';
import type { CaseResult, Workload } from './types';

/** W3: LeNet-5's SGD-momentum train step on one random [64,1,28,28] batch; 50 steps after 5 warm-up. */
export const w3: Workload = {
  id: 'W3',
  title: 'LeNet-5 train step on [64,1,28,28], CE loss, SGD momentum',
  run(): CaseResult[] {
    manualSeed(0);
    const step = trainer(lenet());
    const x = randn([64, 1, 28, 28]);
    const y = randint(0, 10, [64]);
    return [
      msCase(
        'batch 64',
        time(() => step(x, y), { warmup: 5, runs: 50 }),
        'ms/step',
      ),
    ];
  },
};
