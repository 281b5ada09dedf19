import { s } from './dom.js';

const NODE_W = 150;
const NODE_H = 34;
const GAP_X = 30;
const GAP_Y = 46;

/** Layered top-down layout: a node sits one row below its deepest input. */
function layout(nodes) {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const depth = new Map();
  const depthOf = (n, seen = new Set()) => {
    if (depth.has(n.name)) return depth.get(n.name);
    if (seen.has(n.name)) return 0; // a cycle: break it here
    seen.add(n.name);
    const inputs = n.inputs.map((i) => byName.get(i)).filter(Boolean);
    const d = inputs.length ? 1 + Math.max(...inputs.map((i) => depthOf(i, seen))) : 0;
    depth.set(n.name, d);
    return d;
  };
  const rows = [];
  for (const n of nodes) {
    const d = depthOf(n);
    rows[d] = [...(rows[d] ?? []), n];
  }
  const pos = new Map();
  rows.forEach((row, r) => {
    row.forEach((n, c) => {
      pos.set(n.name, { x: c * (NODE_W + GAP_X) + 10, y: r * (NODE_H + GAP_Y) + 10 });
    });
  });
  const width = Math.max(...rows.map((row) => row.length)) * (NODE_W + GAP_X) + 10;
  return { pos, width, height: rows.length * (NODE_H + GAP_Y) };
}

export function graphChart(nodes) {
  const { pos, width, height } = layout(nodes);
  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, width: Math.min(width, 1100), class: 'graph' },
    s(
      'defs',
      {},
      s(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto',
        },
        s('path', { d: 'M0,0L10,5L0,10z', fill: '#9aa5b1' }),
      ),
    ),
  );
  for (const n of nodes) {
    const to = pos.get(n.name);
    for (const input of n.inputs) {
      const from = pos.get(input);
      if (!from) continue;
      const [x1, y1, x2, y2] = [from.x + NODE_W / 2, from.y + NODE_H, to.x + NODE_W / 2, to.y];
      svg.append(
        s('path', {
          class: 'edge',
          d: `M${x1},${y1}C${x1},${(y1 + y2) / 2} ${x2},${(y1 + y2) / 2} ${x2},${y2}`,
        }),
      );
    }
  }
  for (const n of nodes) {
    const { x, y } = pos.get(n.name);
    const shape = n.shape ? ` ${JSON.stringify(n.shape[0] ?? n.shape)}` : '';
    svg.append(
      s(
        'g',
        { class: 'node', transform: `translate(${x},${y})` },
        s('rect', { width: NODE_W, height: NODE_H }),
        s('text', { x: 8, y: 14 }, n.name.length > 22 ? `…${n.name.slice(-21)}` : n.name),
        s('text', { x: 8, y: 27, class: 'op' }, `${n.op}${shape}`),
        s('title', {}, `${n.name} (${n.op})`),
      ),
    );
  }
  return svg;
}
