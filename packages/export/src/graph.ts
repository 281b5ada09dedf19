/**
 * A model's graph for a board's Graph tab, as torch.utils.tensorboard's add_graph traces it:
 * `writer.addGraph(modelGraph(model, x))`. The shape is @tensile/board's ModelGraph, which this
 * package does not import (the board depends on nothing of Tensile's).
 */
import type { Module } from '@tensile/nn';
import type { Tensor } from '@tensile/tensor';
import { prune, trace, type Value } from './trace';

export interface GraphNode {
  name: string;
  op: string;
  inputs: string[];
  outputShape?: readonly number[];
}

/**
 * The ops of one forward pass on `inputs` (eval mode), each named after the modules it ran in
 * (`LeNet/Conv2d[0]/conv.1`), with its dynamic inputs as edges and its output's shape; inputs
 * and outputs as `IO Node`s, as PyTorch draws them. Parameters and folded constants are left
 * out.
 */
export function modelGraph(
  model: Module,
  inputs: Tensor | readonly Tensor[],
): { nodes: GraphNode[] } {
  const tr = trace(model, inputs, 'modelGraph');
  const ops = prune(tr);
  const names = new Map<Value, string>();
  const nodes: GraphNode[] = tr.inputs.map((v, i) => {
    const name = tr.inputs.length === 1 ? 'input' : `input.${i}`;
    names.set(v, name);
    return { name, op: 'IO Node', inputs: [], outputShape: v.tensor.shape };
  });
  const counts = new Map<string, number>();
  for (const op of ops) {
    const n = (counts.get(op.op) ?? 0) + 1;
    counts.set(op.op, n);
    const name = `${op.scope}/${op.op}.${n}`;
    op.outputs.forEach((v) => {
      names.set(v, name);
    });
    const from = op.inputs.filter((v) => v.kind !== 'constant').map((v) => names.get(v));
    nodes.push({
      name,
      op: op.op,
      inputs: [...new Set(from.filter((f): f is string => f !== undefined))],
      outputShape: op.outputs[0].tensor.shape,
    });
  }
  tr.outputs.forEach((v, i) => {
    const name = tr.outputs.length === 1 ? 'output' : `output.${i}`;
    const from = names.get(v);
    nodes.push({ name, op: 'IO Node', inputs: from ? [from] : [], outputShape: v.tensor.shape });
  });
  return { nodes };
}
