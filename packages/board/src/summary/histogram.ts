import { BoardInputError } from '../errors';
import type { HistogramProto } from '../proto/event';

/** 'tensorflow' (PyTorch's default exponential bins), a bin count, or explicit edges. */
export type HistogramBins = 'tensorflow' | number | readonly number[];

let tensorflowBins: number[] | undefined;

/** PyTorch's SummaryWriter.default_bins: ±1e-12·1.1^k up to 1e20, and 0. */
export function defaultBins(): readonly number[] {
  if (!tensorflowBins) {
    const positive: number[] = [];
    for (let v = 1e-12; v < 1e20; v *= 1.1) positive.push(v);
    tensorflowBins = [...positive.map((v) => -v).reverse(), 0, ...positive];
  }
  return tensorflowBins;
}

function binEdges(bins: HistogramBins, min: number, max: number): readonly number[] {
  if (bins === 'tensorflow') return defaultBins();
  if (typeof bins !== 'number') return bins;
  if (!Number.isInteger(bins) || bins < 1)
    throw new BoardInputError(`bins must be a positive integer, got ${bins}`);
  // numpy.histogram widens an empty range by 0.5 each side, then uses linspace edges.
  const [lo, hi] = min === max ? [min - 0.5, max + 0.5] : [min, max];
  const step = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * step);
  edges[bins] = hi;
  return edges;
}

/** numpy.histogram's bucket for `v`: [e_i, e_i+1), the last one closed; -1 outside. */
export function binIndex(v: number, edges: readonly number[]): number {
  const last = edges.length - 1;
  if (!(v >= edges[0] && v <= edges[last])) return -1;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (v >= edges[mid]) lo = mid;
    else hi = mid;
  }
  return lo;
}

function countBins(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const bin = binIndex(values[i], edges);
    if (bin >= 0) counts[bin] += 1;
  }
  return counts;
}

/** Builds a HistogramProto the way torch.utils.tensorboard's make_histogram does. */
export function makeHistogram(
  values: ArrayLike<number>,
  bins: HistogramBins = 'tensorflow',
  maxBins?: number,
): HistogramProto {
  if (values.length === 0) throw new BoardInputError('histogram: the input has no element');
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) throw new BoardInputError('histogram: NaN in values');
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    sumSquares += v * v;
  }
  let limits = binEdges(bins, min, max);
  let counts = countBins(values, limits);
  if (maxBins !== undefined && counts.length > maxBins)
    [counts, limits] = subsample(counts, limits, maxBins);
  const [bucket, bucketLimit] = trimToSupport(counts, limits);
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket };
}

function subsample(
  counts: number[],
  limits: readonly number[],
  maxBins: number,
): [number[], number[]] {
  const factor = Math.floor(counts.length / maxBins);
  const merged: number[] = [];
  for (let i = 0; i < counts.length; i += factor) {
    merged.push(counts.slice(i, i + factor).reduce((a, b) => a + b, 0));
  }
  const edges = merged.map((_, i) => limits[i * factor]);
  edges.push(limits[limits.length - 1]);
  return [merged, edges];
}

// TensorBoard stores right edges only, so keep the non-empty span plus one empty bin on its left.
function trimToSupport(counts: number[], limits: readonly number[]): [number[], number[]] {
  const start = counts.findIndex((c) => c > 0);
  if (start < 0) throw new BoardInputError('histogram: no value falls inside the bins');
  let end = counts.length - 1;
  while (counts[end] === 0) end--;
  const bucket = start > 0 ? counts.slice(start - 1, end + 1) : [0, ...counts.slice(0, end + 1)];
  return [bucket, limits.slice(start, end + 2)];
}
