import { mlp } from './models';
import { trainStepCase } from './train';
import type { Workload } from './types';

/** W2: the MLP's SGD-momentum train step on one random batch of 64; 200 steps after 20 warm-up. */
export const w2: Workload = {
  id: 'W2',
  title: 'MLP train step: Linear(784,256)-ReLU-Linear(256,10), CE loss, SGD momentum, batch 64',
  run: (opts) => trainStepCase(mlp, [64, 784], { warmup: 20, runs: 200 }, opts.device),
};
