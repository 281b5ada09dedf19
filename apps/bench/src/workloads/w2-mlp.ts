import { manualSeed, randint, randn } from '@tensile/tensor';
import { msCase, time } from '../timing';
import { mlp } from './models';
import { trainer } from './train';
import type { CaseResult, Workload } from './types';

/** W2: the MLP's SGD-momentum train step on one random batch of 64; 200 steps after 20 warm-up. */
export const w2: Workload = {
  id: 'W2',
  title: 'MLP train step: Linear(784,256)-ReLU-Linear(256,10), CE loss, SGD momentum, batch 64',
  run(): CaseResult[] {
    manualSeed(0);
    const step = trainer(mlp());
    const x = randn([64, 784]);
    const y = randint(0, 10, [64]);
    return [
      msCase(
        'batch 64',
        time(() => step(x, y), { warmup: 20, runs: 200 }),
        'ms/step',
      ),
    ];
  },
};
