import '@tensile/autograd';
import { CrossEntropyLoss, type Module } from '@tensile/nn';
import { SGD } from '@tensile/optim';
import type { Tensor } from '@tensile/tensor';

/**
 * A classifier's training step as a PyTorch user writes it: zeroGrad, forward, cross-entropy,
 * backward, SGD with momentum. Returns a function of one batch that yields the loss, read back
 * so the step has finished when it returns.
 */
export function trainer(net: Module, lr = 0.01): (x: Tensor, y: Tensor) => number {
  const optimizer = new SGD(net.parameters(), { lr, momentum: 0.9 });
  const lossFn = new CrossEntropyLoss();
  net.train();
  return (x, y) => {
    optimizer.zeroGrad();
    const loss = lossFn.forward(net.forward(x), y) as Tensor;
    loss.backward();
    optimizer.step();
    return loss.item();
  };
}
