import { dict } from '../dict';
import { type Event, SessionStatus, type SummaryValue } from '../proto/event';
import { decodeGraphDef } from '../proto/graph';
import { decodeHParamsPluginData, decodeLayout } from '../proto/plugins';
import type { TensorProto } from '../proto/tensor';
import { emptyRun, type Point, type RunData } from './run-data';

const utf8 = new TextDecoder();

function push<T>(series: Record<string, T[]>, tag: string, point: T): void {
  if (!Object.hasOwn(series, tag)) series[tag] = [];
  series[tag].push(point);
}

/**
 * Folds one run's events into per-tag series, like TensorBoard's EventAccumulator: legacy
 * values (simple_value, histo, image) and plugin tensors (PyTorch's and TF2's) alike.
 */
export class RunAccumulator {
  readonly data: RunData;
  /** Writers put plugin metadata on a tag's first value only. */
  private readonly pluginByTag = new Map<string, string>();

  constructor(name: string) {
    this.data = emptyRun(name);
  }

  add(event: Event): void {
    if (event.sessionLog?.status === SessionStatus.START) this.purge(event.step);
    if (event.graphDef) this.data.graph = decodeGraphDef(event.graphDef);
    const at = { step: event.step, wallTime: event.wallTime };
    for (const value of event.summary?.value ?? []) this.addValue(value, at);
  }

  private addValue(v: SummaryValue, at: Point): void {
    const declared = v.metadata?.pluginData;
    if (declared) this.pluginByTag.set(v.tag, declared.pluginName);
    const plugin = this.pluginByTag.get(v.tag) ?? '';
    if (declared?.pluginName === 'hparams') this.addHparams(declared.content);
    else if (v.simpleValue !== undefined)
      push(this.data.scalars, v.tag, { ...at, value: v.simpleValue });
    else if (v.histo) push(this.data.histograms, v.tag, { ...at, ...v.histo });
    else if (v.image) {
      const { width, height, encodedImageString: encoded } = v.image;
      push(this.data.images, v.tag, { ...at, width, height, encoded });
    } else if (v.tensor) this.addTensor(v.tag, plugin, v.tensor, at);
  }

  private addTensor(tag: string, plugin: string, t: TensorProto, at: Point): void {
    const d = this.data;
    if (plugin === 'scalars') push(d.scalars, tag, { ...at, value: t.values[0] });
    else if (plugin === 'histograms') push(d.histograms, tag, { ...at, ...histogramFromTensor(t) });
    else if (plugin === 'images' && t.strings.length > 2) {
      // TF2 image summaries: [width, height, image...] as strings.
      const [width, height] = t.strings.slice(0, 2).map((s) => Number(utf8.decode(s)));
      push(d.images, tag, { ...at, width, height, encoded: t.strings[2] });
    } else if (plugin === 'text')
      push(d.text, tag, { ...at, text: t.strings.map((s) => utf8.decode(s)).join('\n\n') });
    else if (plugin === 'custom_scalars' && t.strings[0])
      d.customScalars = decodeLayout(t.strings[0]);
    else push(d.tensors, tag, { ...at, plugin, shape: t.shape ?? [], values: t.values });
  }

  private addHparams(content: Uint8Array): void {
    const data = decodeHParamsPluginData(content);
    if (data.experiment) this.data.experiment = data.experiment;
    if (data.sessionStartInfo) this.session().values = data.sessionStartInfo.hparams;
    if (data.sessionEndInfo) this.session().status = data.sessionEndInfo.status;
  }

  private session(): NonNullable<RunData['hparams']> {
    this.data.hparams ??= { values: dict() };
    return this.data.hparams;
  }

  /** A restarted session (purge_step) supersedes everything logged at or after its step. */
  private purge(step: number): void {
    const d = this.data;
    for (const series of [d.scalars, d.histograms, d.images, d.text, d.tensors] as Record<
      string,
      Point[]
    >[]) {
      for (const tag of Object.keys(series)) series[tag] = series[tag].filter((p) => p.step < step);
    }
  }
}

// TF2 histograms: a [k, 3] tensor of (left edge, right edge, count) rows.
function histogramFromTensor(t: TensorProto) {
  const rows = Array.from({ length: t.values.length / 3 }, (_, i) =>
    t.values.slice(i * 3, i * 3 + 3),
  );
  const bucket = rows.map((r) => r[2]);
  return {
    min: rows[0]?.[0] ?? 0,
    max: rows[rows.length - 1]?.[1] ?? 0,
    num: bucket.reduce((a, b) => a + b, 0),
    sum: rows.reduce((a, [l, r, c]) => a + ((l + r) / 2) * c, 0),
    sumSquares: rows.reduce((a, [l, r, c]) => a + ((l + r) / 2) ** 2 * c, 0),
    bucketLimit: rows.map((r) => r[1]),
    bucket,
  };
}
