import { BoardInputError } from '../errors';
import { type AttrValue, encodeGraphDef } from '../proto/graph';

export interface GraphNodeSpec {
  name: string;
  /** Operation type shown in the graph (PyTorch's default: 'UnSpecified'). */
  op?: string;
  /** Names of nodes feeding this one (edges may be given here or in `edges`). */
  inputs?: string[];
  device?: string;
  /** Shape of the node's output, written as the `_output_shapes` attr TensorBoard shows. */
  outputShape?: readonly number[];
  attrs?: Record<string, AttrValue>;
}

export interface ModelGraph {
  nodes: GraphNodeSpec[];
  edges?: readonly { from: string; to: string }[];
}

/** Serializes nodes and edges as a GraphDef, as torch.utils.tensorboard's add_graph does. */
export function graphDefFromModel(graph: ModelGraph): Uint8Array {
  const inputs = new Map<string, string[]>();
  for (const n of graph.nodes) {
    if (inputs.has(n.name)) throw new BoardInputError(`addGraph: duplicate node name '${n.name}'`);
    inputs.set(n.name, [...(n.inputs ?? [])]);
  }
  for (const { from, to } of graph.edges ?? []) {
    const target = inputs.get(to);
    if (!target || !inputs.has(from))
      throw new BoardInputError(`addGraph: edge ${from} -> ${to} names an unknown node`);
    if (!target.includes(from)) target.push(from);
  }
  const node = graph.nodes.map((n) => ({
    name: n.name,
    op: n.op ?? 'UnSpecified',
    input: inputs.get(n.name) ?? [],
    device: n.device,
    attr: { ...n.attrs, ...(n.outputShape ? { _output_shapes: { shapes: [n.outputShape] } } : {}) },
  }));
  return encodeGraphDef({ node, producer: 22 });
}
