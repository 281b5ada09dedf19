// The two loops of every classifier example (PyTorch's train_loop and test_loop), shared by the
// Fashion-MNIST and CIFAR-10 examples.
import type { SummaryWriter } from '@tensile/board';
import { type DataLoader, progress } from '@tensile/data';
import type { Module } from '@tensile/nn';
import type { Optimizer } from '@tensile/optim';
import { noGrad, scope, type Tensor } from '@tensile/tensor';

type Batches = DataLoader<[Tensor, number]>;

/** A loss module: `lossFn.forward(logits, labels)` (CrossEntropyLoss). */
interface Loss {
  forward(input: Tensor, target: Tensor): Tensor;
}

export interface LoopOptions {
  /** Stop after this many batches (smoke tests). */
  limitSteps?: number;
  /** Label of the progress bar. */
  desc?: string;
}

/** The batches a loop will see: the loader's, cut at limitSteps. */
export function stepsPerEpoch(loader: Batches, limitSteps?: number): number {
  return Math.min(loader.length, limitSteps ?? Number.POSITIVE_INFINITY);
}

/**
 * The first `n` batches under a progress bar (cut before the bar, so that it ends at 100%).
 * Loading in the main thread resolves each batch as a microtask, so without a turn of the event
 * loop per batch no timer would run until the epoch ends: not the bar's redraws, not the
 * SummaryWriter's flushes.
 */
async function* batches(loader: Batches, n: number, desc: string) {
  async function* take() {
    let i = 0;
    for await (const batch of loader) {
      yield batch;
      if (++i === n) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  yield* progress(take(), { total: n, desc });
}

/** Where a model's parameters live: the batches go there. */
export function deviceOf(model: Module): string {
  return model.parameters().next().value?.device ?? 'cpu';
}

/**
 * One epoch of training; `onStep(i, loss)` sees each batch's loss. Returns the mean loss.
 * The loss is read with `item()` once per step: that is where the work of the step finishes.
 */
export async function trainEpoch(
  model: Module,
  loader: Batches,
  lossFn: Loss,
  optimizer: Optimizer,
  opts: LoopOptions & { onStep?: (step: number, loss: number) => void } = {},
): Promise<number> {
  model.train();
  const total = stepsPerEpoch(loader, opts.limitSteps);
  const device = deviceOf(model);
  let sum = 0;
  let step = 0;
  for await (const [x, y] of batches(loader, total, opts.desc ?? 'train')) {
    // The scope frees the step's tensors when it ends: device memory (gpu textures) is not
    // seen by the garbage collector. Parameters and optimizer state outlive it.
    const value = scope(() => {
      optimizer.zeroGrad();
      const loss = lossFn.forward(model.forward(x.to(device)), y.to(device));
      loss.backward();
      optimizer.step();
      return loss.item();
    });
    opts.onStep?.(step, value);
    sum += value;
    step++;
  }
  return sum / step;
}

/** Accuracy on `loader` in eval mode without recording gradients: the share of argmax hits. */
export async function evaluate(
  model: Module,
  loader: Batches,
  opts: LoopOptions = {},
): Promise<{ accuracy: number; count: number }> {
  model.eval();
  const total = stepsPerEpoch(loader, opts.limitSteps);
  const device = deviceOf(model);
  let correct = 0;
  let count = 0;
  for await (const [x, y] of batches(loader, total, opts.desc ?? 'test')) {
    // noGrad takes a synchronous function, so it wraps each batch rather than the loop.
    correct += scope(() =>
      noGrad(() => {
        const [, predicted] = model.forward(x.to(device)).max(1);
        return predicted.eq(y.to(device)).sum().item();
      }),
    );
    count += y.shape[0];
  }
  return { accuracy: correct / count, count };
}

/** What an epoch of the classifier examples works with. */
export interface Run {
  model: Module;
  train: Batches;
  test: Batches;
  lossFn: Loss;
  optimizer: Optimizer;
  writer: SummaryWriter;
  epochs: number;
  limitSteps?: number;
}

/**
 * Epoch `epoch` (from 0) of a run: trains, tests, logs each step's loss (train/loss), the test
 * accuracy and the learning rate to the board, and prints a line with the time per step.
 */
export async function trainAndTest(
  epoch: number,
  run: Run,
): Promise<{ accuracy: number; count: number }> {
  const { model, train, test, optimizer, writer, limitSteps } = run;
  const steps = stepsPerEpoch(train, limitSteps);
  const t0 = performance.now();
  const loss = await trainEpoch(model, train, run.lossFn, optimizer, {
    limitSteps,
    desc: `epoch ${epoch + 1}/${run.epochs}`,
    onStep: (step, value) => writer.addScalar('train/loss', value, epoch * steps + step),
  });
  const seconds = (performance.now() - t0) / 1000;
  const { accuracy, count } = await evaluate(model, test, { limitSteps });
  writer.addScalar('test/accuracy', accuracy, epoch + 1);
  writer.addScalar('lr', optimizer.paramGroups[0].lr, epoch + 1);
  console.log(
    `epoch ${epoch + 1}/${run.epochs}: train loss ${loss.toFixed(4)}, test accuracy ${percent(accuracy)} (${count} images), ${seconds.toFixed(1)} s training (${((seconds * 1000) / steps).toFixed(0)} ms/step)`,
  );
  return { accuracy, count };
}

export function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}
