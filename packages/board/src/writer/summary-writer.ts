import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SessionStatus, type SummaryValue } from '../proto/event';
import type { HParamValue } from '../proto/plugins';
import { type EmbeddingOptions, writeEmbedding } from '../summary/embedding';
import { graphDefFromModel, type ModelGraph } from '../summary/graph';
import { type HistogramBins, makeHistogram } from '../summary/histogram';
import { imageProto, imagesProto, type MakeGridOptions } from '../summary/image';
import { computeCurve } from '../summary/pr-curve';
import {
  type CustomScalarLayout,
  customScalarsValue,
  hparamsValues,
  prCurveValue,
  scalarValue,
  textValue,
} from '../summary/values';
import { type TensorInput, toDense, toScalar } from '../tensor';
import { EventFileWriter } from './event-file-writer';

/** Options of SummaryWriter: torch.utils.tensorboard.SummaryWriter's keywords in camelCase. */
export interface SummaryWriterOptions {
  /** Appended to the default log dir's name, as PyTorch's comment (ignored with a `logDir`). */
  comment?: string;
  /** Tells readers to drop events at or after this step from earlier (crashed) sessions. */
  purgeStep?: number;
  /** Queued events that trigger a background write (default 10, PyTorch's max_queue). */
  maxQueue?: number;
  /** Seconds between background writes (default 120, PyTorch's flush_secs). */
  flushSecs?: number;
  /** Appended to every event file's name (PyTorch's filename_suffix). */
  filenameSuffix?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** PyTorch's default: runs/<Mon><DD>_<HH-MM-SS>_<hostname><comment>. */
export function defaultLogDir(comment = '', now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${MONTHS[now.getMonth()]}${pad(now.getDate())}_${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
  return join('runs', `${stamp}_${hostname()}${comment}`);
}

/** The `walltime` option of the add* methods that take their other arguments as an object. */
export interface WalltimeOption {
  /** Seconds since the epoch; defaults to now. */
  walltime?: number;
}

/**
 * Writes TensorBoard event files: the torch.utils.tensorboard SummaryWriter API in camelCase.
 * Every add* call only queues; data reaches disk in the background (see flush/close), and what
 * is still queued when the process exits normally is written then. Options that PyTorch passes
 * as keywords after the positional ones come in a trailing options object.
 */
export class SummaryWriter {
  /** The run's directory: the one given, or runs/<date>_<host><comment> (created at once). */
  readonly logDir: string;
  private readonly options: SummaryWriterOptions;
  private purgeStep: number | undefined;
  private fileWriter: EventFileWriter | undefined;
  /** Sub-run writers of addScalars, keyed by directory. */
  private readonly scalarsWriters = new Map<string, EventFileWriter>();
  private readonly projectorEntries: string[] = [];

  constructor(logDir?: string, options: SummaryWriterOptions = {}) {
    this.logDir = logDir || defaultLogDir(options.comment);
    this.options = options;
    this.purgeStep = options.purgeStep;
    this.writer();
  }

  /** The run's directory (PyTorch's get_logdir). */
  getLogdir(): string {
    return this.logDir;
  }

  private newFileWriter(dir: string): EventFileWriter {
    const { maxQueue, flushSecs, filenameSuffix } = this.options;
    return new EventFileWriter(dir, { maxQueue, flushSecs, filenameSuffix });
  }

  /** The main run's writer, reopened after close() as PyTorch does. */
  private writer(): EventFileWriter {
    if (!this.fileWriter) {
      this.fileWriter = this.newFileWriter(this.logDir);
      if (this.purgeStep !== undefined) {
        const step = this.purgeStep;
        this.fileWriter.addEvent({ wallTime: now(), step, fileVersion: 'brain.Event:2' });
        this.fileWriter.addEvent({
          wallTime: now(),
          step,
          sessionLog: { status: SessionStatus.START },
        });
        this.purgeStep = undefined;
      }
    }
    return this.fileWriter;
  }

  private addValues(
    value: SummaryValue[],
    globalStep?: number,
    walltime?: number,
    writer = this.writer(),
  ): void {
    writer.addEvent({ wallTime: walltime ?? now(), step: globalStep ?? 0, summary: { value } });
  }

  /**
   * Logs one number (a number or a one-element tensor) under `tag` at `globalStep` (default 0), as
   * PyTorch's add_scalar. `newStyle` writes it as a tensor summary rather than a simple value,
   * `doublePrecision` (with newStyle) as float64.
   */
  addScalar(
    tag: string,
    value: TensorInput,
    globalStep?: number,
    walltime?: number,
    options: { newStyle?: boolean; doublePrecision?: boolean } = {},
  ): void {
    const v = scalarValue(tag, toScalar(value, tag), options.newStyle, options.doublePrecision);
    this.addValues([v], globalStep, walltime);
  }

  /**
   * Several scalars in one chart (PyTorch's add_scalars): one sub-run per key, in
   * `<logDir>/<mainTag>_<key>` ('/' in mainTag becomes '_'), all under the tag `mainTag`.
   */
  addScalars(
    mainTag: string,
    tagScalarDict: Record<string, TensorInput>,
    globalStep?: number,
    walltime?: number,
  ): void {
    for (const [key, value] of Object.entries(tagScalarDict)) {
      const dir = join(this.logDir, `${mainTag.replaceAll('/', '_')}_${key}`);
      let writer = this.scalarsWriters.get(dir);
      if (!writer) {
        writer = this.newFileWriter(dir);
        this.scalarsWriters.set(dir, writer);
      }
      this.addValues([scalarValue(mainTag, toScalar(value, key))], globalStep, walltime, writer);
    }
  }

  /**
   * Logs the distribution of `values` (any shape) as PyTorch's add_histogram. `bins` is
   * 'tensorflow' (the default: PyTorch's fixed exponential bins), a bin count or explicit edges;
   * with more bins than `maxBins`, groups of floor(bins / maxBins) neighbours are merged, as in
   * PyTorch (which can leave a few more than maxBins).
   */
  addHistogram(
    tag: string,
    values: TensorInput,
    globalStep?: number,
    options: WalltimeOption & { bins?: HistogramBins; maxBins?: number } = {},
  ): void {
    const histo = makeHistogram(toDense(values, tag).data, options.bins, options.maxBins);
    this.addValues([{ tag, histo }], globalStep, options.walltime);
  }

  /**
   * One image (PyTorch's add_image): dataformats 'CHW' (default), 'HWC' or 'HW', with 1, 3 or 4
   * channels; floats in [0, 1] (clipped) or uint8 data in [0, 255]. Written as PNG.
   */
  addImage(
    tag: string,
    img: TensorInput,
    globalStep?: number,
    options: WalltimeOption & { dataformats?: string } = {},
  ): void {
    this.addValues(
      [{ tag, image: imageProto(img, options.dataformats) }],
      globalStep,
      options.walltime,
    );
  }

  /**
   * A batch ('NCHW' by default, or 'NHWC') tiled into one grid image (PyTorch's add_images),
   * `nrow` (default 8) to a row, without gaps as PyTorch's (`padding`/`padValue` add them).
   */
  addImages(
    tag: string,
    imgs: TensorInput,
    globalStep?: number,
    options: WalltimeOption & MakeGridOptions & { dataformats?: string } = {},
  ): void {
    this.addValues([{ tag, image: imagesProto(imgs, options) }], globalStep, options.walltime);
  }

  /** Markdown text (PyTorch's add_text), shown under the tag `<tag>/text_summary`, as there. */
  addText(tag: string, text: string, globalStep?: number, walltime?: number): void {
    this.addValues([textValue(tag, text)], globalStep, walltime);
  }

  /**
   * Logs a model graph for TensorBoard's Graphs tab. Unlike PyTorch's add_graph, which traces the
   * model, it takes the nodes and edges (ModelGraph) from the caller.
   */
  addGraph(graph: ModelGraph, options: WalltimeOption = {}): void {
    this.writer().addEvent({
      wallTime: options.walltime ?? now(),
      step: 0,
      graphDef: graphDefFromModel(graph),
    });
  }

  /**
   * A precision-recall curve (PyTorch's add_pr_curve): `labels` 0/1 ground truth and
   * `predictions` probabilities in [0, 1], of the same size; `numThresholds` defaults to 127 and
   * is capped there, as in PyTorch; `weights` weighs each example.
   */
  addPrCurve(
    tag: string,
    labels: TensorInput,
    predictions: TensorInput,
    globalStep?: number,
    options: WalltimeOption & { numThresholds?: number; weights?: TensorInput } = {},
  ): void {
    // Like PyTorch: more than 127 thresholds is clamped.
    const numThresholds = Math.min(options.numThresholds ?? 127, 127);
    const weights =
      options.weights === undefined ? undefined : toDense(options.weights, 'weights').data;
    const table = computeCurve(
      toDense(labels, 'labels').data,
      toDense(predictions, 'predictions').data,
      numThresholds,
      weights,
    );
    this.addValues([prCurveValue(tag, table, numThresholds)], globalStep, options.walltime);
  }

  /**
   * An embedding for the Projector (PyTorch's add_embedding): `mat` [N, D], one point per row,
   * with optional labels and thumbnails (see EmbeddingOptions). Written at once, not queued: files
   * under `<logDir>/<step>/<tag>/`, listed in `<logDir>/projector_config.pbtxt`.
   */
  addEmbedding(mat: TensorInput, options: EmbeddingOptions = {}): void {
    this.projectorEntries.push(writeEmbedding(this.logDir, mat, options));
    writeFileSync(join(this.logDir, 'projector_config.pbtxt'), this.projectorEntries.join(''));
  }

  /**
   * Logs one hparams session (PyTorch's add_hparams) in the sub-run `<logDir>/<runName>`
   * (default: the current time in seconds), with `metricDict` as its scalars; written and closed
   * at once. Tensor values of hparamDict must hold one element.
   */
  addHparams(
    hparamDict: Record<string, HParamValue | TensorInput | null | undefined>,
    metricDict: Record<string, TensorInput>,
    options: { hparamDomainDiscrete?: Record<string, HParamValue[]>; runName?: string } = {},
  ): void {
    const hparams = Object.fromEntries(
      Object.entries(hparamDict).map(([k, v]) => [
        k,
        typeof v === 'object' && v !== null ? toScalar(v, k) : v,
      ]),
    ) as Record<string, HParamValue | null | undefined>;
    const metrics = Object.fromEntries(
      Object.entries(metricDict).map(([k, v]) => [k, toScalar(v, k)]),
    );
    const dir = join(this.logDir, options.runName || String(now()));
    // Never flushed in the background: it is closed synchronously right below.
    const writer = new EventFileWriter(dir, { maxQueue: Number.POSITIVE_INFINITY });
    for (const value of hparamsValues(hparams, metrics, options.hparamDomainDiscrete)) {
      this.addValues([value], undefined, undefined, writer);
    }
    for (const [tag, value] of Object.entries(metrics))
      this.addValues([scalarValue(tag, value)], undefined, undefined, writer);
    writer.closeSync();
  }

  /**
   * Sets the Custom Scalars dashboard's layout (PyTorch's add_custom_scalars), as
   * `{ category: { chartTitle: ['Multiline', tags] } }` or with `['Margin', [value, lower, upper]]`
   * charts. Tags may be regular expressions.
   */
  addCustomScalars(layout: CustomScalarLayout): void {
    this.addValues([customScalarsValue(layout)]);
  }

  /**
   * One Custom Scalars chart plotting `tags` together, in `category` (default 'default') under
   * `title` (default 'untitled'): a layout of that one chart, as PyTorch's.
   */
  addCustomScalarsMultilinechart(
    tags: string[],
    options: { category?: string; title?: string } = {},
  ): void {
    this.addCustomScalars({
      [options.category ?? 'default']: { [options.title ?? 'untitled']: ['Multiline', tags] },
    });
  }

  /**
   * One Custom Scalars margin chart: `tags` are [value, lower, upper], drawn as a line with a
   * band; in `category` (default 'default') under `title` (default 'untitled'): a layout of that
   * one chart, as PyTorch's.
   */
  addCustomScalarsMarginchart(
    tags: [string, string, string],
    options: { category?: string; title?: string } = {},
  ): void {
    this.addCustomScalars({
      [options.category ?? 'default']: { [options.title ?? 'untitled']: ['Margin', tags] },
    });
  }

  private openWriters(): EventFileWriter[] {
    return [...(this.fileWriter ? [this.fileWriter] : []), ...this.scalarsWriters.values()];
  }

  /** Resolves once everything logged so far is written and fsynced. */
  async flush(): Promise<void> {
    await Promise.all(this.openWriters().map((w) => w.flush()));
  }

  /** Flushes and closes every file; logging again afterwards opens new files. */
  async close(): Promise<void> {
    const writers = this.openWriters();
    this.fileWriter = undefined;
    this.scalarsWriters.clear();
    await Promise.all(writers.map((w) => w.close()));
  }
}

function now(): number {
  return Date.now() / 1000;
}
