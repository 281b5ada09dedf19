import { dict } from '../dict';
import type { HistogramProto } from '../proto/event';
import type { GraphDef } from '../proto/graph';
import type { HParamsPluginData, HParamValue, Layout } from '../proto/plugins';

/** When a point was logged: its global step and wall time (seconds since the epoch). */
export interface Point {
  step: number;
  wallTime: number;
}

/** One logged scalar. */
export interface ScalarPoint extends Point {
  /** The value (float32 precision for old-style scalars, as written). */
  value: number;
}

/** One logged histogram: its statistics and buckets (HistogramProto). */
export interface HistogramPoint extends Point, HistogramProto {}

/** One logged image. */
export interface ImagePoint extends Point {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** The encoded image (PNG for this writer and PyTorch). */
  encoded: Uint8Array;
}

/** One logged text (add_text). */
export interface TextPoint extends Point {
  /** Markdown source. */
  text: string;
}

/** Any other tensor summary (e.g. pr_curves), with the plugin that owns its tag. */
export interface TensorPoint extends Point {
  /** The plugin that owns the tag ('pr_curves', ...), or '' when none declared one. */
  plugin: string;
  /** The tensor's shape. */
  shape: number[];
  /** Its numeric values, row-major. */
  values: number[];
}

/**
 * Everything read from one run's event files, like TensorBoard's per-run view: series by tag, each
 * a list of points in the order read (sampled when long; see samplesPerPlugin).
 */
export interface RunData {
  /** Directory relative to the log dir; '.' for the log dir itself (as TensorBoard names it). */
  name: string;
  /** Scalars by tag (old-style simple values and new-style scalar tensors alike). */
  scalars: Record<string, ScalarPoint[]>;
  /** Histograms by tag. */
  histograms: Record<string, HistogramPoint[]>;
  /** Images by tag. */
  images: Record<string, ImagePoint[]>;
  /** Text by tag; add_text's tags end in '/text_summary'. */
  text: Record<string, TextPoint[]>;
  /** Other tensor summaries by tag (PR curves among them). */
  tensors: Record<string, TensorPoint[]>;
  /** Hyperparameters of an hparams session run, with its status (1 = success). */
  hparams?: { values: Record<string, HParamValue>; status?: number };
  /** The hparams experiment: declared hyperparameters and metric tags. */
  experiment?: NonNullable<HParamsPluginData['experiment']>;
  /** The last model graph logged (add_graph). */
  graph?: GraphDef;
  /** The last Custom Scalars layout logged. */
  customScalars?: Layout;
}

export function emptyRun(name: string): RunData {
  return {
    name,
    scalars: dict(),
    histograms: dict(),
    images: dict(),
    text: dict(),
    tensors: dict(),
  };
}
