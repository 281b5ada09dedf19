import '@tensile/autograd';
import { CrossEntropyLoss, type Module } from '@tensile/nn';
import { SGD } from '@tensile/optim';
import { manualSeed, randint, randn, scope, type Tensor } from '@tensile/tensor';
import { msCase, time } from '../timing';
import type { CaseResult } from './types';

/**
 * A classifier's training step as a PyTorch user writes it: zeroGrad, forward, cross-entropy,
 * backward, SGD with momentum, in a scope as Tensile's examples run it. Returns a function of
 * one batch that yields the loss, read back so the step has finished when it returns.
 */
export function trainer(net: Module, lr = 0.01): (x: Tensor, y: Tensor) => number {
  const optimizer = new SGD(net.parameters(), { lr, momentum: 0.9 });
  const lossFn = new CrossEntropyLoss();
  net.train();
  return (x, y) =>
    scope(() => {
      optimizer.zeroGrad();
      const loss = lossFn.forward(net.forward(x), y) as Tensor;
      loss.backward();
      optimizer.step();
      return loss.item();
    });
}

/**
 * The W2/W3/W6 row: a freshly seeded `model`'s train step on one random batch of shape
 * `xShape`, on `device`, timed with `times` (warm-up steps excluded). Model and batch are made
 * on the cpu and moved, so every device trains the same numbers.
 */
export function trainStepCase(
  model: () => Module,
  xShape: number[],
  times: { warmup: number; runs: number },
  device = 'cpu',
): CaseResult[] {
  manualSeed(0);
  // Moved before the optimizer is made: to() replaces the parameters.
  const step = trainer(model().to(device));
  const x = randn(xShape).to(device);
  const y = randint(0, 10, [xShape[0]]).to(device);
  return [
    msCase(
      `batch ${xShape[0]}`,
      // The step runs in its own scope (trainer), so it is the timed unit as it is.
      time(() => step(x, y), times),
      'ms/step',
    ),
  ];
}
