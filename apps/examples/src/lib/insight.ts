// What the main job logs beside its scalars: PR curves per class and an embedding of test images
// (the board's PR Curves tab and projector files), as the notes' TensorBoard sections show.
import type { SummaryWriter } from '@tensile/board';
import type { Module, Sequential } from '@tensile/nn';
import { noGrad, type Tensor } from '@tensile/tensor';
import { deviceOf } from './training';

/** One PR curve per class, `pr/<class>`: that class's softmax score against "is it that class". */
export function logPrCurves(
  writer: SummaryWriter,
  model: Module,
  [x, y]: [Tensor, Tensor],
  classes: readonly string[],
  step: number,
): void {
  const probs = model.inEvalMode(() =>
    noGrad(() => (model.forward(x.to(deviceOf(model))) as Tensor).softmax(1).to('cpu')),
  );
  classes.forEach((name, c) => {
    writer.addPrCurve(`pr/${name}`, y.eq(c), probs.select(1, c), step);
  });
}

/**
 * The test images' features before the last layer (LeNet-5's 84 values), with their class names
 * and the images themselves as the projector's sprite.
 */
export function logEmbedding(
  writer: SummaryWriter,
  model: Sequential,
  [x, y]: [Tensor, Tensor],
  pixels: Tensor,
  classes: readonly string[],
  step: number,
): void {
  let features: Tensor | null = null;
  const hook = model.at(model.length - 2).registerForwardHook((_m, _a, out) => {
    features = (out as Tensor).to('cpu');
  });
  try {
    model.inEvalMode(() => noGrad(() => model.forward(x.to(deviceOf(model)))));
  } finally {
    hook.remove();
  }
  const labels = Array.from(y.dataSync(), (c) => classes[c]);
  writer.addEmbedding(features as unknown as Tensor, {
    metadata: labels,
    labelImg: pixels,
    tag: 'test-images',
    globalStep: step,
  });
}
