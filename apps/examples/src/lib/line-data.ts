// The data and flags of the two linear-regression examples.
import { rand, randn, type Tensor } from '@tensile/tensor';
import type { Flag } from './cli';

/** 100 points of y = 3x + 2 + N(0, 0.1^2), x uniform in [0, 2), drawn from the default generator. */
export function noisyLine(): { x: Tensor; y: Tensor } {
  const x = rand([100, 1]).mul(2);
  const y = x
    .mul(3)
    .add(2)
    .add(randn([100, 1]).mul(0.1));
  return { x, y };
}

export function lineFlags(logdir: string) {
  return {
    steps: { type: 'int', default: 100 },
    lr: { type: 'number', default: 0.1 },
    logdir: { type: 'path', default: logdir },
  } satisfies Record<string, Flag>;
}

export function lineUsage(script: string): string {
  return `usage: pnpm --filter @tensile/examples run ${script} [--steps N] [--lr LR] [--logdir DIR]
  --steps   SGD steps (default 100)
  --lr      learning rate (default 0.1)
  --logdir  TensorBoard run directory (default runs/${script})`;
}
