import { dict } from '../dict';
import type { HistogramProto } from '../proto/event';
import type { GraphDef } from '../proto/graph';
import type { HParamsPluginData, HParamValue, Layout } from '../proto/plugins';

export interface Point {
  step: number;
  wallTime: number;
}

export interface ScalarPoint extends Point {
  value: number;
}

export interface HistogramPoint extends Point, HistogramProto {}

export interface ImagePoint extends Point {
  width: number;
  height: number;
  /** The encoded image (PNG for this writer and PyTorch). */
  encoded: Uint8Array;
}

export interface TextPoint extends Point {
  /** Markdown source. */
  text: string;
}

/** Any other tensor summary (e.g. pr_curves), with the plugin that owns its tag. */
export interface TensorPoint extends Point {
  plugin: string;
  shape: number[];
  values: number[];
}

export interface RunData {
  /** Directory relative to the log dir; '.' for the log dir itself (as TensorBoard names it). */
  name: string;
  scalars: Record<string, ScalarPoint[]>;
  histograms: Record<string, HistogramPoint[]>;
  images: Record<string, ImagePoint[]>;
  text: Record<string, TextPoint[]>;
  tensors: Record<string, TensorPoint[]>;
  /** Hyperparameters of an hparams session run, with its status (1 = success). */
  hparams?: { values: Record<string, HParamValue>; status?: number };
  /** The hparams experiment: declared hyperparameters and metric tags. */
  experiment?: NonNullable<HParamsPluginData['experiment']>;
  graph?: GraphDef;
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
