import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '../src';

/** LeNet-5 as the vision package builds it (nn's tests cannot import vision). */
export const lenet = () =>
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
