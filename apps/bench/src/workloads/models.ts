import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@tensile/nn';

/** The W2 MLP: Linear(784,256) - ReLU - Linear(256,10), on flattened 28x28 inputs. */
export const mlp = (): Sequential =>
  new Sequential(new Flatten(), new Linear(784, 256), new ReLU(), new Linear(256, 10));

/** The W3 LeNet-5 on [N,1,28,28]. */
export const lenet = (): Sequential =>
  new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
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
    new Linear(84, 10),
  );
