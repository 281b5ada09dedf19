// The LeNet-5 of the classifier examples (W3's architecture), for Fashion-MNIST and CIFAR-10.
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@tensile/nn';

/**
 * LeNet-5 with ReLU and max pooling, 61,706 parameters for 1 x 28 x 28 inputs. Fashion-MNIST
 * pads its first convolution by 2 (28 x 28 in, 28 x 28 out); CIFAR-10's 3 x 32 x 32 images need
 * no padding. Either way 16 x 5 x 5 = 400 features reach the first Linear layer.
 */
export function lenet5({ inChannels = 1, padding = 2 } = {}): Sequential {
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
    new Linear(84, 10),
  );
}
