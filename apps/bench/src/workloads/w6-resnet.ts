import { ResNet18 } from './resnet';
import { trainStepCase } from './train';
import type { Workload } from './types';

/** W6: a ResNet-18 (10 classes) SGD-momentum train step on one random [32,3,32,32] batch. */
export const w6: Workload = {
  id: 'W6',
  title: 'ResNet-18 (torchvision layout, 10 classes) train step on [32,3,32,32]',
  run: () => trainStepCase(() => new ResNet18(10), [32, 3, 32, 32], { warmup: 2, runs: 5 }),
};
