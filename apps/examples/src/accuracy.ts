// Classification accuracy from a batch of logits, the PyTorch way: the index of the largest
// logit per row (max over dim 1, or argmax) compared with the labels.
// Run: pnpm --filter @tensile/examples run accuracy
import { tensor } from '@tensile/tensor';

const outputs = tensor([
  [0.1, 2.0, -1.0],
  [1.5, 0.2, 0.3],
  [0.0, 0.1, 3.0],
  [2.2, 2.1, 0.0],
]);
const labels = tensor([1, 0, 1, 0]);

// torch.max(outputs, 1) returns the values and their indices; the indices are the predictions.
const [values, predicted] = outputs.max(1);
const correct = predicted.eq(labels).sum().item();
console.log(`max values ${values.toString()}`);
console.log(`predicted  ${predicted.toString()}`);
console.log(`labels     ${labels.toString()}`);
console.log(
  `correct ${correct} of ${labels.shape[0]}: accuracy ${(100 * correct) / labels.shape[0]}%`,
);

// argmax gives the same indices without the values.
console.log(`argmax(1) equals max(1) indices: ${outputs.argmax(1).equal(predicted)}`);
