import { lenet } from './models';
import { trainStepCase } from './train';
import type { Workload } from './types';

/** W3: LeNet-5's SGD-momentum train step on one random [64,1,28,28] batch; 50 steps after 5 warm-up. */
export const w3: Workload = {
  id: 'W3',
  title: 'LeNet-5 train step on [64,1,28,28], CE loss, SGD momentum',
  run: (opts) => trainStepCase(lenet, [64, 1, 28, 28], { warmup: 5, runs: 50 }, opts.device),
};
