import { dict } from '../dict';
import type { LayoutChart } from '../proto/plugins';
import type { HistogramPoint, RunData } from '../reader/run-data';
import { renderMarkdown } from './markdown';

// JSON views of the loaded runs, shaped for the dashboard: series grouped by tag, then run.

type Runs = Record<string, RunData>;
type ByTag<T> = Record<string, Record<string, T>>;

function byTag<S, T>(
  runs: Runs,
  pick: (r: RunData) => Record<string, S>,
  map: (s: S, run: RunData, tag: string) => T,
): ByTag<T> {
  const out: ByTag<T> = dict();
  for (const run of Object.values(runs)) {
    for (const [tag, series] of Object.entries(pick(run))) {
      if (!Object.hasOwn(out, tag)) out[tag] = dict();
      out[tag][run.name] = map(series, run, tag);
    }
  }
  return out;
}

/** At most `n` evenly spaced items, always keeping the last one. */
function sample<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / (n - 1))]);
}

/**
 * The runs and what each holds. `label` is what the page shows: the run in the log dir itself
 * ('.', as TensorBoard keys it) is labelled with the log dir's own name.
 */
export function runsView(runs: Runs, rootLabel = '.') {
  return Object.values(runs).map((r) => ({
    name: r.name,
    label: r.name === '.' ? rootLabel : r.name,
    scalars: Object.keys(r.scalars),
    histograms: Object.keys(r.histograms),
    images: Object.keys(r.images),
    text: Object.keys(r.text),
    graph: r.graph !== undefined,
    hparams: r.hparams !== undefined,
  }));
}

/** [step, wallTime, value] triples. */
export function scalarsView(runs: Runs) {
  return byTag(
    runs,
    (r) => r.scalars,
    (points) => points.map((p) => [p.step, p.wallTime, p.value]),
  );
}

type Bucket = [left: number, right: number, count: number];

function bucketsOf(p: HistogramPoint): Bucket[] {
  // Bucket i spans (limit[i-1], limit[i]], clipped to the observed [min, max].
  return p.bucket.map((count, i) => {
    const left = i === 0 ? p.min : Math.max(p.bucketLimit[i - 1], p.min);
    return [Math.min(left, p.max), Math.min(Math.max(p.bucketLimit[i], p.min), p.max), count];
  });
}

/** Spreads counts over `n` equal bins on [lo, hi] (as TensorBoard does before drawing). */
function rebin(buckets: Bucket[], lo: number, hi: number, n = 30): Bucket[] {
  const width = hi > lo ? (hi - lo) / n : 1;
  const out: Bucket[] = Array.from({ length: n }, (_, i) => [
    lo + i * width,
    lo + (i + 1) * width,
    0,
  ]);
  const binOf = (x: number) => Math.min(n - 1, Math.max(0, Math.floor((x - lo) / width)));
  for (const [left, right, count] of buckets) {
    if (count === 0) continue;
    if (right <= left) {
      out[binOf(left)][2] += count;
      continue;
    }
    for (let i = binOf(left); i <= binOf(right); i++) {
      const overlap = Math.min(right, out[i][1]) - Math.max(left, out[i][0]);
      if (overlap > 0) out[i][2] += (count * overlap) / (right - left);
    }
  }
  return out;
}

export function histogramsView(runs: Runs, maxSteps = 25) {
  return byTag(
    runs,
    (r) => r.histograms,
    (points) => {
      const shown = sample(points, maxSteps);
      const lo = Math.min(...shown.map((p) => p.min));
      const hi = Math.max(...shown.map((p) => p.max));
      return shown.map((p) => ({
        step: p.step,
        wallTime: p.wallTime,
        buckets: rebin(bucketsOf(p), lo, hi),
      }));
    },
  );
}

export function imagesView(runs: Runs) {
  return byTag(
    runs,
    (r) => r.images,
    (points) =>
      points.map((p, index) => ({
        step: p.step,
        wallTime: p.wallTime,
        width: p.width,
        height: p.height,
        index,
      })),
  );
}

export function textView(runs: Runs) {
  return byTag(
    runs,
    (r) => r.text,
    (points) => points.map((p) => ({ step: p.step, html: renderMarkdown(p.text) })),
  );
}

/** One row per hparams session run, with the last value of each metric tag. */
export function hparamsView(runs: Runs) {
  const sessions = Object.values(runs).filter((r) => r.hparams);
  const hparams = new Set<string>();
  const metrics = new Set<string>();
  for (const r of Object.values(runs))
    for (const m of r.experiment?.metricInfos ?? []) metrics.add(m.tag);
  for (const r of sessions) for (const k of Object.keys(r.hparams!.values)) hparams.add(k);
  return {
    hparams: [...hparams],
    metrics: [...metrics],
    sessions: sessions.map((r) => ({
      run: r.name,
      status: r.hparams!.status ?? 0,
      values: r.hparams!.values,
      metrics: Object.fromEntries(
        [...metrics].map((m) => [m, r.scalars[m]?.at(-1)?.value ?? null]),
      ),
    })),
  };
}

/**
 * PR curves by tag and run: per step, precision and recall at each threshold (rows 4 and 5 of
 * the pr_curves plugin's [6, thresholds] tensor: TP, FP, TN, FN, precision, recall).
 */
export function prCurvesView(runs: Runs) {
  const out: ByTag<{ step: number; precision: number[]; recall: number[] }[]> = dict();
  for (const run of Object.values(runs)) {
    for (const [tag, points] of Object.entries(run.tensors)) {
      const curves = points
        .filter((p) => p.plugin === 'pr_curves' && p.shape.length === 2 && p.shape[0] === 6)
        .map((p) => {
          const n = p.shape[1];
          return {
            step: p.step,
            precision: p.values.slice(4 * n, 5 * n),
            recall: p.values.slice(5 * n, 6 * n),
          };
        });
      if (curves.length === 0) continue;
      if (!Object.hasOwn(out, tag)) out[tag] = dict();
      out[tag][run.name] = curves;
    }
  }
  return out;
}

/** The custom-scalar layouts of every run, merged by category and chart title (as TensorBoard). */
export function customScalarsView(runs: Runs) {
  const categories: { title: string; charts: LayoutChart[] }[] = [];
  for (const run of Object.values(runs)) {
    for (const c of run.customScalars?.category ?? []) {
      let cat = categories.find((k) => k.title === c.title);
      if (!cat) {
        cat = { title: c.title, charts: [] };
        categories.push(cat);
      }
      for (const chart of c.chart)
        if (!cat.charts.some((k) => k.title === chart.title)) cat.charts.push(chart);
    }
  }
  return categories;
}

export function graphView(run: RunData | undefined) {
  return (run?.graph?.node ?? []).map((n) => ({
    name: n.name,
    op: n.op,
    inputs: n.input.map((i) => i.replace(/^\^/, '').replace(/:\d+$/, '')),
    shape: n.attr._output_shapes ?? null,
  }));
}
