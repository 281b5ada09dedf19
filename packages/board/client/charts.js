import { formatNumber, s, ticks } from './dom.js';

const W = 380;
const H = 220;
const PAD = { left: 52, right: 12, top: 10, bottom: 28 };
/** Width kept for a histogram's "step N" labels. */
const STEP_LABELS = 56;

/** TensorBoard's smoothing: an exponential moving average, debiased for the first points. */
export function smooth(values, weight) {
  let last = 0;
  let debias = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    debias = debias * weight + (1 - weight);
    return last / debias;
  });
}

function extent(values) {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (lo !== hi) return [lo, hi];
  // One value: a band a tenth of its size around it, so a learning rate of 0.01 reads as 0.01
  // (a fixed +-0.5 drew it at 0 on a -0.4..0.4 axis).
  const pad = Math.abs(lo) * 0.1 || 0.5;
  return [lo - pad, hi + pad];
}

/** Ticks whose labels differ from the one before (rounded steps would repeat: "1 1 2"). */
function labelled(values, format) {
  const out = [];
  for (const v of values) {
    const label = format(v);
    if (label !== out[out.length - 1]?.label) out.push({ v, label });
  }
  return out;
}

function frame(xs, ys, formatX) {
  const [x0, x1] = extent(xs);
  const [y0, y1] = extent(ys);
  const px = (x) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const py = (y) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', class: 'chart' });
  for (const { v, label } of labelled(ticks(y0, y1), formatNumber)) {
    svg.append(s('line', { class: 'axis', x1: PAD.left, x2: W - PAD.right, y1: py(v), y2: py(v) }));
    svg.append(
      s('text', { x: PAD.left - 4, y: py(v) + 3, 'text-anchor': 'end', class: 'y-tick' }, label),
    );
  }
  for (const { v, label } of labelled(ticks(x0, x1, 4), formatX)) {
    svg.append(s('text', { x: px(v), y: H - 10, 'text-anchor': 'middle', class: 'x-tick' }, label));
  }
  return { svg, px, py };
}

const pathOf = (pts, px, py) =>
  pts
    .filter(([, y]) => Number.isFinite(y))
    .map(([x, y], i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`)
    .join('');

/**
 * series: [{ name, color, points: [[x, y]] }]; draws raw values faint and smoothed ones solid.
 * bands: [{ color, lower: [[x, y]], upper: [[x, y]] }], shaded between their two edges (a
 * custom-scalars margin chart).
 */
export function lineChart(series, { smoothing, formatX, bands = [] }) {
  const all = [
    ...series,
    ...bands.flatMap((b) => [{ points: b.lower }, { points: b.upper }]),
  ].flatMap((sr) => sr.points);
  const { svg, px, py } = frame(
    all.map((p) => p[0]),
    all.map((p) => p[1]),
    formatX,
  );
  for (const b of bands) {
    const edge = [...b.lower, ...[...b.upper].reverse()].filter(([, y]) => Number.isFinite(y));
    if (edge.length > 2)
      svg.append(s('path', { class: 'band', fill: b.color, d: `${pathOf(edge, px, py)}Z` }));
  }
  for (const sr of series) {
    const ys = smooth(
      sr.points.map((p) => p[1]),
      smoothing,
    );
    const smoothed = sr.points.map((p, i) => [p[0], ys[i]]);
    svg.append(s('path', { class: 'raw', stroke: sr.color, d: pathOf(sr.points, px, py) }));
    svg.append(
      s(
        'path',
        { class: 'series', stroke: sr.color, d: pathOf(smoothed, px, py), 'data-run': sr.name },
        s('title', {}, sr.label ?? sr.name),
      ),
    );
    // A line needs two points: mark short series so single values stay visible.
    if (sr.points.length < 3) {
      for (const [x, y] of smoothed) {
        const label = s('title', {}, `${sr.label ?? sr.name}: ${formatNumber(y)}`);
        svg.append(s('circle', { cx: px(x), cy: py(y), r: 3.5, fill: sr.color }, label));
      }
    }
  }
  return svg;
}

/** TensorBoard's "offset" histogram view: one density outline per step, older ones further back. */
export function histogramChart(steps, color) {
  const edges = steps.flatMap((st) => st.buckets.flatMap((b) => [b[0], b[1]]));
  const [x0, x1] = extent(edges);
  const rowGap = (H - PAD.top - PAD.bottom) / (steps.length + 3);
  const peak = Math.max(
    ...steps.flatMap((st) => st.buckets.map((b) => b[2] / Math.max(b[1] - b[0], 1e-12))),
    1e-12,
  );
  // The step labels get a margin of their own on the right, clear of the outlines.
  const right = W - PAD.right - STEP_LABELS;
  const px = (x) => PAD.left + ((x - x0) / (x1 - x0)) * (right - PAD.left);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', class: 'chart histogram' });
  steps.forEach((st, i) => {
    const base = PAD.top + rowGap * (i + 3);
    const height = (b) => (b[2] / Math.max(b[1] - b[0], 1e-12) / peak) * rowGap * 3;
    const d = st.buckets
      .map(
        (b, k) =>
          `${k ? 'L' : 'M'}${px(b[0]).toFixed(1)},${(base - height(b)).toFixed(1)}L${px(b[1]).toFixed(1)},${(base - height(b)).toFixed(1)}`,
      )
      .join('');
    const shade = 0.35 + (0.65 * (i + 1)) / steps.length;
    svg.append(
      s(
        'path',
        {
          d: `${d}L${px(x1)},${base}L${px(x0)},${base}Z`,
          fill: color,
          'fill-opacity': 0.15 * shade,
          stroke: color,
          'stroke-opacity': shade,
        },
        s('title', {}, `step ${st.step}`),
      ),
    );
    if (i % Math.ceil(steps.length / 5) === 0 || i === steps.length - 1) {
      svg.append(
        s(
          'text',
          { x: right + 6, y: base, 'text-anchor': 'start', class: 'step-label' },
          `step ${st.step}`,
        ),
      );
    }
  });
  for (const t of ticks(x0, x1, 4))
    svg.append(s('text', { x: px(t), y: H - 10, 'text-anchor': 'middle' }, formatNumber(t)));
  // A density axis (count per unit of x) for the front outline, the newest step's.
  const front = PAD.top + rowGap * (steps.length + 2);
  for (const t of ticks(0, peak, 3).filter((v) => v <= peak)) {
    const y = front - (t / peak) * rowGap * 3;
    svg.append(
      s(
        'text',
        { x: PAD.left - 4, y: y + 3, 'text-anchor': 'end', class: 'y-tick' },
        formatNumber(t),
      ),
    );
  }
  return svg;
}

/** Precision (y) against recall (x) for each run: [{ name, label, color, precision, recall }]. */
export function prChart(curves) {
  const series = curves.map((c) => ({
    name: c.name,
    label: c.label,
    color: c.color,
    points: c.recall.map((r, i) => [r, c.precision[i]]).filter(([r, p]) => r + p > 0),
  }));
  const svg = lineChart(series, { smoothing: 0, formatX: formatNumber });
  svg.classList.add('pr');
  return svg;
}

/**
 * A projector scatter of 2-D points: each point its sprite tile where there is a sprite, else a
 * dot, outlined in its label's color. emb: { points, labels, sprite, spriteUrl }.
 */
export function scatterChart(emb, colorOfLabel) {
  const size = 360;
  const pad = 14;
  const [x0, x1] = extent(emb.points.map((p) => p[0]));
  const [y0, y1] = extent(emb.points.map((p) => p[1]));
  const px = (x) => pad + ((x - x0) / (x1 - x0)) * (size - 2 * pad);
  const py = (y) => size - pad - ((y - y0) / (y1 - y0)) * (size - 2 * pad);
  const svg = s('svg', { viewBox: `0 0 ${size} ${size}`, width: '100%', class: 'chart scatter' });
  const n = emb.points.length;
  emb.points.forEach(([x, y], i) => {
    const label = emb.labels?.[i] ?? '';
    const color = colorOfLabel(label);
    const title = s('title', {}, label || `point ${i}`);
    if (emb.sprite) {
      const [w, h] = emb.sprite.tile;
      const side = 12;
      const col = i % emb.sprite.perRow;
      const row = Math.floor(i / emb.sprite.perRow);
      const tile = s(
        'svg',
        {
          x: px(x) - side / 2,
          y: py(y) - side / 2,
          width: side,
          height: side,
          viewBox: `${col * w} ${row * h} ${w} ${h}`,
          class: 'thumb',
        },
        s('image', { href: emb.spriteUrl, x: 0, y: 0 }),
        title,
      );
      svg.append(tile);
      svg.append(
        s('rect', {
          x: px(x) - side / 2,
          y: py(y) - side / 2,
          width: side,
          height: side,
          fill: 'none',
          stroke: color,
          class: 'thumb-frame',
        }),
      );
    } else {
      svg.append(s('circle', { cx: px(x), cy: py(y), r: n > 1000 ? 2 : 3, fill: color }, title));
    }
  });
  return svg;
}
