// The flags the three classifier examples share (each adds --epochs, whose default depends on
// the data, and its own), and their lines of the usage text.
import type { Flag } from './cli';

export function classifierFlags(lr: number, logdir: string) {
  return {
    batchSize: { type: 'int', default: 64 },
    lr: { type: 'number', default: lr },
    data: { type: 'path' },
    logdir: { type: 'path', default: logdir },
    limitSteps: { type: 'int' },
    workers: { type: 'int', min: 0, default: 0 },
    device: { type: 'device', default: 'cpu' },
  } satisfies Record<string, Flag>;
}

export function classifierUsage(lr: number, logdir: string): string {
  return `  --batch-size N    batch size (default 64)
  --lr LR           SGD learning rate (default ${lr}; momentum 0.9)
  --logdir DIR      TensorBoard run directory (default ${logdir})
  --limit-steps N   at most N batches per epoch, training and testing (smoke tests)
  --workers N       DataLoader worker threads (default 0: load in the main thread)
  --device D        cpu (default) or gpu (@tensile/backend-gpujs: needs gl and an X display,
                    e.g. xvfb-run -a; without a GPU it renders on the CPU, several times slower)`;
}
