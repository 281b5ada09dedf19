// The LeNet-5 of the classifier examples (W3's architecture) is @tensile/vision's: Fashion-MNIST
// pads its first convolution by 2, CIFAR-10 (`{ inChannels: 3, padding: 0 }`) does not.
import { models } from '@tensile/vision';

export const { lenet5 } = models;
