import { manualSeed, randint, randn } from '@tensile/tensor';
import { msCase, time } from '../timing';
import { ResNet18 } from './resnet';
import { trainer } from './train';
import type { CaseResult, Workload } from './types';

/** W6: a ResNet-18 (10 classes) SGD-momentum train step on one random [32,3,32,32] batch. */
export const w6: Workload = {
  id: 'W6',
  title: 'ResNet-18 (torchvision layout, 10 classes) train step on [32,3,32,32]',
  run(): CaseResult[] {
    manualSeed(0);
    const step = trainer(new ResNet18(10));
    const x = randn([32, 3, 32, 32]);
    const y = randint(0, 10, [32]);
    return [
      msCase(
        'batch 32',
        time(() => step(x, y), { warmup: 2, runs: 5 }),
        'ms/step',
      ),
    ];
  },
};
