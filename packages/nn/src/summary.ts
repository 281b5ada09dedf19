/**
 * A torchsummary-style table of a model: each layer's output shape and parameter count, totals,
 * and memory estimates, found by running one forward pass with forward hooks on every layer.
 */
import { type DType, isTensor, noGrad, rand, type Tensor } from '@tensile/tensor';
import { ModuleDict, ModuleList, Sequential } from './containers';
import type { Module } from './module';

/** Options of summary (torchsummary's batch_size and dtypes). */
export interface SummaryOptions {
  /** Printed as the batch dim of output shapes (torchsummary's -1 means "any"). */
  batchSize?: number;
  /**
   * The dtype of the random inputs (default float32); the memory estimates count 4 bytes an element
   * whatever it is, as torchsummary does.
   */
  dtype?: DType;
}

interface Row {
  name: string;
  shape: string;
  params: number;
}

const MB = 1024 ** 2;

function shapeOf(out: unknown, batch: number): string {
  if (isTensor(out)) return `[${[batch, ...out.shape.slice(1)].join(', ')}]`;
  if (Array.isArray(out)) return out.map((o) => shapeOf(o, batch)).join(', ');
  return '';
}

function outputNumel(out: unknown): number {
  if (isTensor(out)) return out.shape.slice(1).reduce((a, b) => a * b, 1);
  if (Array.isArray(out)) return out.reduce((s, o) => s + outputNumel(o), 0);
  return 0;
}

const isContainer = (m: Module) =>
  m instanceof Sequential || m instanceof ModuleList || m instanceof ModuleDict;

/**
 * torchsummary's `summary(model, input_size)` as a string: for inputs of `inputShape` (without
 * the batch dim), or several shapes for a model with several inputs, one row per layer with its
 * output shape and parameter count, then totals and memory estimates. Runs one forward pass on a
 * random batch of 2 in eval mode (BatchNorm statistics are left alone) and restores each module's
 * mode afterwards.
 */
export function summary(
  model: Module,
  inputShape: number[] | number[][],
  opts: SummaryOptions = {},
): string {
  const shapes = Array.isArray(inputShape[0])
    ? (inputShape as number[][])
    : [inputShape as number[]];
  const batch = opts.batchSize ?? -1;
  const rows: Row[] = [];
  let activations = 0;
  const handles = [...model.modules()]
    .filter((m) => m !== model && !isContainer(m))
    .map((m) =>
      m.registerForwardHook((mod, _args, out) => {
        const params = [...mod.parameters(false)].reduce((s, p) => s + p.numel(), 0);
        rows.push({
          name: `${mod.constructor.name}-${rows.length + 1}`,
          shape: shapeOf(out, batch),
          params,
        });
        activations += outputNumel(out);
      }),
    );
  try {
    model.inEvalMode(() =>
      noGrad(() =>
        model.forward(
          ...shapes.map((s): Tensor => rand([2, ...s], { dtype: opts.dtype ?? 'float32' })),
        ),
      ),
    );
  } finally {
    for (const h of handles) h.remove();
  }
  const params = [...model.parameters()];
  const total = params.reduce((s, p) => s + p.numel(), 0);
  const trainable = params.filter((p) => p.requiresGrad).reduce((s, p) => s + p.numel(), 0);
  const inputMb = Math.abs(
    (shapes.reduce((s, sh) => s + sh.reduce((a, b) => a * b, 1), 0) * batch * 4) / MB,
  );
  const passMb = Math.abs((2 * activations * 4) / MB);
  const paramsMb = Math.abs((total * 4) / MB);
  const line = '-'.repeat(64);
  const fmt = (n: number) => n.toLocaleString('en-US');
  return [
    line,
    `${'Layer (type)'.padStart(20)}  ${'Output Shape'.padStart(25)} ${'Param #'.padStart(15)}`,
    '='.repeat(64),
    ...rows.map(
      (r) => `${r.name.padStart(20)}  ${r.shape.padStart(25)} ${fmt(r.params).padStart(15)}`,
    ),
    '='.repeat(64),
    `Total params: ${fmt(total)}`,
    `Trainable params: ${fmt(trainable)}`,
    `Non-trainable params: ${fmt(total - trainable)}`,
    line,
    `Input size (MB): ${inputMb.toFixed(2)}`,
    `Forward/backward pass size (MB): ${passMb.toFixed(2)}`,
    `Params size (MB): ${paramsMb.toFixed(2)}`,
    `Estimated Total Size (MB): ${(inputMb + passMb + paramsMb).toFixed(2)}`,
    line,
  ].join('\n');
}
