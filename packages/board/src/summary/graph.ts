import { BoardInputError } from '../errors';
import { type AttrValue, encodeGraphDef } from '../proto/graph';

/** One node of a ModelGraph for addGraph. */
export interface GraphNodeSpec {
  /** Unique name; slashes group nodes into collapsible scopes ('encoder/conv1'). */
  name: string;
  /** Operation type shown in the graph (PyTorch's default: 'UnSpecified'). */
  op?: string;
  /** Names of nodes feeding this one (edges may be given here or in `edges`). */
  inputs?: string[];
  /** The device shown for the node, if any. */
  device?: string;
  /** Shape of the node's output, written as the `_output_shapes` attr TensorBoard shows. */
  outputShape?: readonly number[];
  /** Extra attributes shown in the node's details. */
  attrs?: Record<string, AttrValue>;
}

/**
 * What addGraph draws: nodes, with edges in each node's `inputs` or listed here. PyTorch's
 * add_graph traces a model to get these; here the caller supplies them.
 */
export interface ModelGraph {
  /** The nodes; names must be unique. */
  nodes: GraphNodeSpec[];
  /** Extra edges between named nodes, added to the target's inputs. */
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
