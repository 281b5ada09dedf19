import type { RunData } from '../reader/run-data';
import { renderMarkdown } from './markdown';

// JSON views of the loaded runs, shaped for the dashboard: series grouped by tag, then run.

type Runs = Record<string, RunData>;
type ByTag<T> = Record<string, Record<string, T>>;

function byTag<S, T>(
  runs: Runs,
  pick: (r: RunData) => Record<string, S>,
  map: (s: S, run: RunData, tag: string) => T,
): ByTag<T> {
  const out: ByTag<T> = {};
  for (const run of Object.values(runs)) {
    for (const [tag, series] of Object.entries(pick(run))) {
      if (!Object.hasOwn(out, tag)) out[tag] = {};
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

export function runsView(runs: Runs) {
  return Object.values(runs).map((r) => ({
    name: r.name,
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

export function histogramsView(runs: Runs, maxSteps = 25) {
  return byTag(
    runs,
    (r) => r.histograms,
    (points) =>
      sample(points, maxSteps).map((p) => ({
        step: p.step,
        wallTime: p.wallTime,
        // Bucket i spans (limit[i-1], limit[i]]; the first one starts at the minimum.
        buckets: p.bucket.map((count, i) => [
          i === 0 ? Math.min(p.min, p.bucketLimit[0]) : p.bucketLimit[i - 1],
          Math.min(p.bucketLimit[i], p.max),
          count,
        ]),
      })),
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

export function graphView(run: RunData | undefined) {
  return (run?.graph?.node ?? []).map((n) => ({
    name: n.name,
    op: n.op,
    inputs: n.input.map((i) => i.replace(/^\^/, '').replace(/:\d+$/, '')),
    shape: n.attr._output_shapes ?? null,
  }));
}
