import { dict } from '../dict';
import { type Event, SessionStatus, type SummaryValue } from '../proto/event';
import { decodeGraphDef } from '../proto/graph';
import { decodeHParamsPluginData, decodeLayout } from '../proto/plugins';
import type { TensorProto } from '../proto/tensor';
import { Reservoir, type SamplesPerPlugin, samplesFor } from './reservoir';
import { emptyRun, type Point, type RunData } from './run-data';

const utf8 = new TextDecoder();

type SeriesKind = 'scalars' | 'histograms' | 'images' | 'text' | 'tensors';

/**
 * Folds one run's events into per-tag series, like TensorBoard's EventAccumulator: legacy
 * values (simple_value, histo, image) and plugin tensors (PyTorch's and TF2's) alike. Each
 * series is a reservoir sample (see `samplesPerPlugin`), so memory stays bounded however long
 * the run logs.
 */
export class RunAccumulator {
  readonly data: RunData;
  /** Writers put plugin metadata on a tag's first value only. */
  private readonly pluginByTag = new Map<string, string>();
  private readonly reservoirs = dict<Reservoir<Point>>();

  constructor(
    name: string,
    private readonly samples: SamplesPerPlugin = {},
  ) {
    this.data = emptyRun(name);
  }

  /** Adds a point to the `kind` series of `tag`, sampled as `plugin`'s tags are. */
  private push<K extends SeriesKind>(
    kind: K,
    tag: string,
    plugin: string,
    point: RunData[K][string][number],
  ): void {
    const key = `${kind}/${tag}`;
    let reservoir = this.reservoirs[key];
    if (!reservoir) {
      reservoir = new Reservoir<Point>(samplesFor(plugin, this.samples));
      this.reservoirs[key] = reservoir;
      (this.data[kind] as Record<string, Point[]>)[tag] = reservoir.items;
    }
    reservoir.add(point);
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
    const { step, wallTime } = at;
    if (declared?.pluginName === 'hparams') this.addHparams(declared.content);
    else if (v.simpleValue !== undefined)
      this.push('scalars', v.tag, 'scalars', { step, wallTime, value: v.simpleValue });
    else if (v.histo) this.push('histograms', v.tag, 'histograms', { ...at, ...v.histo });
    else if (v.image) {
      const { width, height, encodedImageString } = v.image;
      // A copy: the record's bytes are a view of a whole read chunk, which a kept image would pin.
      const encoded = encodedImageString.slice();
      this.push('images', v.tag, 'images', { step, wallTime, width, height, encoded });
    } else if (v.tensor) this.addTensor(v.tag, this.pluginByTag.get(v.tag) ?? '', v.tensor, at);
  }

  private addTensor(tag: string, plugin: string, t: TensorProto, at: Point): void {
    const d = this.data;
    if (plugin === 'scalars') this.push('scalars', tag, plugin, { ...at, value: t.values[0] });
    else if (plugin === 'histograms')
      this.push('histograms', tag, plugin, { ...at, ...histogramFromTensor(t) });
    else if (plugin === 'images' && t.strings.length > 2) {
      // TF2 image summaries: [width, height, image...] as strings.
      const [width, height] = t.strings.slice(0, 2).map((s) => Number(utf8.decode(s)));
      this.push('images', tag, plugin, { ...at, width, height, encoded: t.strings[2].slice() });
    } else if (plugin === 'text') {
      const text = t.strings.map((s) => utf8.decode(s)).join('\n\n');
      this.push('text', tag, plugin, { ...at, text });
    } else if (plugin === 'custom_scalars' && t.strings[0])
      d.customScalars = decodeLayout(t.strings[0]);
    else
      this.push('tensors', tag, plugin, { ...at, plugin, shape: t.shape ?? [], values: t.values });
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
    for (const reservoir of Object.values(this.reservoirs)) reservoir.filter((p) => p.step < step);
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
