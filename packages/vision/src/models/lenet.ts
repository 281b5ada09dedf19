/** LeNet-5, the small classifier of Tensile's examples and benchmarks (not part of torchvision). */
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@tensile/nn';
import { checkNumClasses } from './weights';

export interface LeNet5Options {
  inChannels?: number;
  /** Padding of the first convolution: 2 for 28 x 28 inputs (MNIST), 0 for 32 x 32 (CIFAR-10). */
  padding?: number;
  numClasses?: number;
}

/**
 * LeNet-5 with ReLU and max pooling: 61,706 parameters for 1 x 28 x 28 inputs and 10 classes.
 * Either input size reaches the first Linear layer as 16 x 5 x 5 = 400 features.
 */
export function lenet5({
  inChannels = 1,
  padding = 2,
  numClasses = 10,
}: LeNet5Options = {}): Sequential {
  checkNumClasses('lenet5', numClasses);
  return new Sequential(
    new Conv2d(inChannels, 6, 5, { padding }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(400, 120),
    new ReLU(),
    new Linear(120, 84),
    new ReLU(),
    new Linear(84, numClasses),
  );
}
