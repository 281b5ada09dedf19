import { BoardInputError } from '../errors';
import { binIndex } from './histogram';

const MINIMUM_COUNT = 1e-7;

/**
 * The [6, numThresholds] PR-curve table (tp, fp, tn, fn, precision, recall) computed as
 * tensorboard's pr_curve summary (and torch.utils.tensorboard) compute it.
 */
export function computeCurve(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  numThresholds: number,
  weights?: ArrayLike<number>,
): number[][] {
  if (labels.length !== predictions.length) {
    throw new BoardInputError(
      `pr curve: ${labels.length} labels but ${predictions.length} predictions`,
    );
  }
  const edges = Array.from(
    { length: numThresholds + 1 },
    (_, i) => ((numThresholds - 1) * i) / numThresholds,
  );
  const tpBuckets = new Array<number>(numThresholds).fill(0);
  const fpBuckets = new Array<number>(numThresholds).fill(0);
  for (let i = 0; i < predictions.length; i++) {
    const bin = binIndex(Math.floor(predictions[i] * (numThresholds - 1)), edges);
    if (bin < 0) continue;
    const w = weights ? weights[i] : 1;
    tpBuckets[bin] += labels[i] * w;
    fpBuckets[bin] += (1 - labels[i]) * w;
  }
  const tp = reverseCumsum(tpBuckets);
  const fp = reverseCumsum(fpBuckets);
  const tn = fp.map((v) => fp[0] - v);
  const fn = tp.map((v) => tp[0] - v);
  const precision = tp.map((v, i) => v / Math.max(MINIMUM_COUNT, v + fp[i]));
  const recall = tp.map((v, i) => v / Math.max(MINIMUM_COUNT, v + fn[i]));
  return [tp, fp, tn, fn, precision, recall];
}

function reverseCumsum(values: number[]): number[] {
  const out = values.slice();
  for (let i = out.length - 2; i >= 0; i--) out[i] += out[i + 1];
  return out;
}
