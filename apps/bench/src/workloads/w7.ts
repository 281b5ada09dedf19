import { missingFashionMnist } from '../data/fashion-mnist';
import type { CaseResult, RunOptions, Workload } from './types';
import { loaderCases } from './w7-loader';
import { trainCases } from './w7-train';

/** W7: Fashion-MNIST training runs of the W2 MLP and the W3 LeNet-5, and the DataLoader alone. */
export const w7: Workload = {
  id: 'W7',
  title:
    'Fashion-MNIST: MLP and LeNet-5 trained 1 epoch (3 with --full), batch 64, SGD lr 0.01 momentum 0.9; DataLoader-only epoch of 60,000 x [28,28]',
  async run(opts: RunOptions): Promise<CaseResult[]> {
    const missing = missingFashionMnist();
    if (missing) opts.note(`Tensile training runs skipped: ${missing}`);
    return [...(missing ? [] : await trainCases(opts)), ...(await loaderCases())];
  },
};
