/** The backward graph as Graphviz DOT text, laid out like torchviz's make_dot. */
import type { Tensor } from '@tensile/tensor';
import { AccumulateGrad, type Node } from './node';

export interface DotOptions {
  /** Names for tensors (a model's parameters), shown on the leaves and outputs they label. */
  params?: Record<string, Tensor> | Map<string, Tensor>;
}

const quote = (s: string) =>
  `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/**
 * Outputs are green boxes, backward functions grey, leaves (with their parameter names) blue;
 * edges run from inputs towards the outputs, as in torchviz. The walk is iterative.
 */
export function makeDot(outputs: Tensor | readonly Tensor[], opts: DotOptions = {}): string {
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
  const varLabel = (t: Tensor) => `${names.get(t) ?? ''}\n (${t.shape.join(', ')})`;
  const lines: string[] = [];
  const work: Node[] = [];
  const seen = new Set<Node>();
  const visit = (n: Node) => {
    if (!seen.has(n)) {
      seen.add(n);
      work.push(n);
    }
  };
  for (const out of Array.isArray(outputs) ? outputs : [outputs as Tensor]) {
    const v = id(out, 'v');
    lines.push(`\t${v} [label=${quote(varLabel(out))} fillcolor=darkolivegreen1]`);
    if (out.gradFn !== null) {
      visit(out.gradFn as Node);
      lines.push(`\t${id(out.gradFn, 'n')} -> ${v}`);
    }
  }
  while (work.length > 0) {
    const n = work.pop()!;
    const nid = id(n, 'n');
    lines.push(`\t${nid} [label=${quote(n.name)}]`);
    if (n instanceof AccumulateGrad) {
      const v = id(n.variable, 'v');
      lines.push(`\t${v} [label=${quote(varLabel(n.variable))} fillcolor=lightblue]`);
      lines.push(`\t${v} -> ${nid}`);
    }
    for (const e of n.next) {
      if (e === null) continue;
      lines.push(`\t${id(e.node, 'n')} -> ${nid}`);
      visit(e.node);
    }
  }
  return [
    'digraph {',
    '\tgraph [size="12,12"]',
    '\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]',
    ...lines,
    '}',
    '',
  ].join('\n');
}
