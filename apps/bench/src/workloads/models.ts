import { Flatten, Linear, ReLU, Sequential } from '@tensile/nn';
import { models } from '@tensile/vision';

/** The W2 MLP: Linear(784,256) - ReLU - Linear(256,10), on flattened 28x28 inputs. */
export const mlp = (): Sequential =>
  new Sequential(new Flatten(), new Linear(784, 256), new ReLU(), new Linear(256, 10));

/** The W3 LeNet-5 on [N,1,28,28]: @tensile/vision's lenet5(). */
export const lenet = (): Sequential => models.lenet5();
