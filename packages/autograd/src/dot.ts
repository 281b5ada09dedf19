/** The backward graph as Graphviz DOT text, laid out like torchviz's make_dot. */
import type { Tensor } from '@tensile/tensor';
import { isAccumulator, type Node } from './node';

export interface DotOptions {
  /** Names for tensors (a model's parameters), shown on the leaves and outputs they label. */
  params?: Record<string, Tensor> | Map<string, Tensor>;
}

const quote = (s: string) =>
  `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** One box of a backward graph: an output, a backward function or a leaf, and its inputs. */
interface DotNode {
  id: string;
  label: string;
  kind: 'output' | 'function' | 'leaf';
  name?: string;
  shape?: readonly number[];
  from: string[];
}

/** The backward graph behind `outputs`, walked iteratively from them to the leaves. */
function walk(outputs: Tensor | readonly Tensor[], opts: DotOptions): DotNode[] {
  const entries = opts.params instanceof Map ? [...opts.params] : Object.entries(opts.params ?? {});
  const names = new Map(entries.map(([name, t]) => [t, name]));
  const ids = new Map<object, string>();
  const id = (o: object, prefix: string) => {
    let v = ids.get(o);
    if (v === undefined) {
      v = `${prefix}${ids.size}`;
      ids.set(o, v);
    }
    return v;
  };
  const tensorNode = (t: Tensor, kind: 'output' | 'leaf', from: string[]): DotNode => ({
    id: id(t, 'v'),
    label: `${names.get(t) ?? ''}\n (${t.shape.join(', ')})`,
    kind,
    name: names.get(t),
    shape: t.shape,
    from,
  });
  const nodes: DotNode[] = [];
  const work: Node[] = [];
  const seen = new Set<Node>();
  const visit = (n: Node) => {
    if (!seen.has(n)) {
      seen.add(n);
      work.push(n);
    }
  };
  for (const out of Array.isArray(outputs) ? outputs : [outputs as Tensor]) {
    const from = out.gradFn === null ? [] : [id(out.gradFn, 'n')];
    nodes.push(tensorNode(out, 'output', from));
    if (out.gradFn !== null) visit(out.gradFn as Node);
  }
  while (work.length > 0) {
    const n = work.pop()!;
    const from: string[] = [];
    if (isAccumulator(n)) {
      const leaf = tensorNode(n.variable, 'leaf', []);
      nodes.push(leaf);
      from.push(leaf.id);
    }
    for (const e of n.next) {
      if (e === null) continue;
      from.push(id(e.node, 'n'));
      visit(e.node);
    }
    nodes.push({ id: id(n, 'n'), label: n.name, kind: 'function', from });
  }
  return nodes;
}

/**
 * Outputs are green boxes, backward functions grey, leaves (with their parameter names) blue;
 * edges run from inputs towards the outputs, as in torchviz. The walk is iterative.
 */
export function makeDot(outputs: Tensor | readonly Tensor[], opts: DotOptions = {}): string {
  const fill = { output: ' fillcolor=darkolivegreen1', leaf: ' fillcolor=lightblue', function: '' };
  const lines = walk(outputs, opts).flatMap((n) => [
    `\t${n.id} [label=${quote(n.label)}${fill[n.kind]}]`,
    ...n.from.map((f) => `\t${f} -> ${n.id}`),
  ]);
  return [
    'digraph {',
    '\tgraph [size="12,12"]',
    '\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]',
    ...lines,
    '}',
    '',
  ].join('\n');
}

/**
 * The same backward graph as `makeDot`, shaped for a board's Graph tab
 * (`writer.addGraph(autogradGraph(loss, { params }))`): leaves named after their parameters,
 * backward functions by their names (AddmmBackward0), each with the nodes feeding it.
 */
export function autogradGraph(
  outputs: Tensor | readonly Tensor[],
  opts: DotOptions = {},
): { nodes: { name: string; op: string; inputs: string[]; outputShape?: readonly number[] }[] } {
  const nodes = walk(outputs, opts);
  const nameOf = new Map(
    nodes.map((n) => [
      n.id,
      n.kind === 'function' ? `${n.label}/${n.id}` : `${n.name ?? n.kind}/${n.id}`,
    ]),
  );
  const op = { output: 'Output', leaf: 'Parameter', function: '' };
  return {
    nodes: nodes.map((n) => ({
      name: nameOf.get(n.id) as string,
      op: op[n.kind] || n.label,
      inputs: n.from.map((f) => nameOf.get(f) as string),
      ...(n.shape ? { outputShape: n.shape } : {}),
    })),
  };
}
