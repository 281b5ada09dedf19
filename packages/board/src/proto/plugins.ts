import { dict } from '../dict';
import { fields, ProtoWriter, readDouble, readString } from './wire';

// Plugin payloads carried in SummaryMetadata.PluginData.content, following
// tensorboard/plugins/{hparams/api,hparams/plugin_data,custom_scalar/layout,text,pr_curve} protos.

/** `{ version }` payload shared by the text and pr_curves plugins (plus num_thresholds). */
export function encodeVersionedPluginData(version: number, numThresholds?: number): Uint8Array {
  return new ProtoWriter()
    .varint(1, version)
    .varint(2, numThresholds ?? 0)
    .finish();
}

/** A hyperparameter's value as the hparams plugin stores it: a number, string or boolean. */
export type HParamValue = number | string | boolean;

export const HParamDataType = { UNSET: 0, STRING: 1, BOOL: 2, FLOAT64: 3 } as const;
export const HParamStatus = { UNKNOWN: 0, SUCCESS: 1, FAILURE: 2, RUNNING: 3 } as const;

export interface HParamInfo {
  name: string;
  type: number;
  domainDiscrete?: HParamValue[];
}

export interface MetricName {
  group?: string;
  tag: string;
}

export interface HParamsPluginData {
  version: number;
  experiment?: { hparamInfos: HParamInfo[]; metricInfos: MetricName[] };
  sessionStartInfo?: { hparams: Record<string, HParamValue>; groupName?: string };
  sessionEndInfo?: { status: number };
}

// google.protobuf.Value: a oneof, so false/0/'' are still written.
function encodeStructValue(v: HParamValue): Uint8Array {
  const w = new ProtoWriter();
  if (typeof v === 'number') return w.double(2, v, true).finish();
  if (typeof v === 'string') return w.string(3, v, true).finish();
  return w.varint(4, v, true).finish();
}

function decodeStructValue(data: Uint8Array): HParamValue {
  let value: HParamValue = '';
  for (const f of fields(data)) {
    if (f.field === 2) value = readDouble(f);
    else if (f.field === 3) value = readString(f);
    else if (f.field === 4) value = f.varint !== 0;
  }
  return value;
}

export function encodeHParamsPluginData(d: HParamsPluginData): Uint8Array {
  const w = new ProtoWriter().varint(1, d.version);
  if (d.experiment) w.message(2, encodeExperiment(d.experiment));
  if (d.sessionStartInfo) {
    const s = new ProtoWriter();
    for (const [key, value] of Object.entries(d.sessionStartInfo.hparams)) {
      s.message(1, new ProtoWriter().string(1, key).message(2, encodeStructValue(value)).finish());
    }
    w.message(3, s.string(4, d.sessionStartInfo.groupName ?? '').finish());
  }
  if (d.sessionEndInfo) w.message(4, new ProtoWriter().varint(1, d.sessionEndInfo.status).finish());
  return w.finish();
}

function encodeExperiment(e: NonNullable<HParamsPluginData['experiment']>): Uint8Array {
  const w = new ProtoWriter();
  for (const h of e.hparamInfos) {
    const info = new ProtoWriter().string(1, h.name).varint(4, h.type);
    if (h.domainDiscrete) {
      const list = new ProtoWriter();
      for (const v of h.domainDiscrete) list.message(1, encodeStructValue(v));
      info.message(5, list.finish());
    }
    w.message(4, info.finish());
  }
  for (const m of e.metricInfos) {
    const name = new ProtoWriter()
      .string(1, m.group ?? '')
      .string(2, m.tag)
      .finish();
    w.message(5, new ProtoWriter().message(1, name).finish());
  }
  return w.finish();
}

export function decodeHParamsPluginData(data: Uint8Array): HParamsPluginData {
  const d: HParamsPluginData = { version: 0 };
  for (const f of fields(data)) {
    if (f.field === 1) d.version = f.varint;
    else if (f.field === 2) d.experiment = decodeExperiment(f.bytes);
    else if (f.field === 3) d.sessionStartInfo = decodeSessionStart(f.bytes);
    else if (f.field === 4) {
      d.sessionEndInfo = { status: 0 };
      for (const s of fields(f.bytes)) if (s.field === 1) d.sessionEndInfo.status = s.varint;
    }
  }
  return d;
}

function decodeSessionStart(data: Uint8Array): NonNullable<HParamsPluginData['sessionStartInfo']> {
  const info: NonNullable<HParamsPluginData['sessionStartInfo']> = { hparams: dict() };
  for (const f of fields(data)) {
    if (f.field === 4) info.groupName = readString(f);
    if (f.field !== 1) continue;
    let key = '';
    let value: HParamValue = '';
    for (const e of fields(f.bytes)) {
      if (e.field === 1) key = readString(e);
      else if (e.field === 2) value = decodeStructValue(e.bytes);
    }
    info.hparams[key] = value;
  }
  return info;
}

function decodeExperiment(data: Uint8Array): NonNullable<HParamsPluginData['experiment']> {
  const e: NonNullable<HParamsPluginData['experiment']> = { hparamInfos: [], metricInfos: [] };
  for (const f of fields(data)) {
    if (f.field === 4) e.hparamInfos.push(decodeHParamInfo(f.bytes));
    else if (f.field === 5) {
      const name: MetricName = { tag: '' };
      for (const m of fields(f.bytes)) {
        if (m.field !== 1) continue;
        for (const n of fields(m.bytes)) {
          if (n.field === 1) name.group = readString(n);
          else if (n.field === 2) name.tag = readString(n);
        }
      }
      e.metricInfos.push(name);
    }
  }
  return e;
}

function decodeHParamInfo(data: Uint8Array): HParamInfo {
  const h: HParamInfo = { name: '', type: 0 };
  for (const f of fields(data)) {
    if (f.field === 1) h.name = readString(f);
    else if (f.field === 4) h.type = f.varint;
    else if (f.field === 5) {
      h.domainDiscrete = [];
      for (const v of fields(f.bytes))
        if (v.field === 1) h.domainDiscrete.push(decodeStructValue(v.bytes));
    }
  }
  return h;
}

export interface LayoutChart {
  title: string;
  multiline?: { tag: string[] };
  margin?: { series: { value: string; lower: string; upper: string }[] };
}

/** The Custom Scalars dashboard's layout (tensorboard's custom_scalar Layout proto). */
export interface Layout {
  /** Collapsible sections, each with its charts. */
  category: { title: string; chart: LayoutChart[] }[];
}

export function encodeLayout(layout: Layout): Uint8Array {
  const w = new ProtoWriter();
  for (const c of layout.category) {
    const cat = new ProtoWriter().string(1, c.title);
    for (const chart of c.chart) cat.message(2, encodeChart(chart));
    w.message(2, cat.finish());
  }
  return w.finish();
}

function encodeChart(chart: LayoutChart): Uint8Array {
  const w = new ProtoWriter().string(1, chart.title);
  if (chart.multiline) {
    const m = new ProtoWriter();
    for (const tag of chart.multiline.tag) m.string(1, tag, true);
    w.message(2, m.finish());
  }
  if (chart.margin) {
    const m = new ProtoWriter();
    for (const s of chart.margin.series) {
      m.message(
        1,
        new ProtoWriter().string(1, s.value).string(2, s.lower).string(3, s.upper).finish(),
      );
    }
    w.message(3, m.finish());
  }
  return w.finish();
}

export function decodeLayout(data: Uint8Array): Layout {
  const layout: Layout = { category: [] };
  for (const f of fields(data)) {
    if (f.field !== 2) continue;
    const cat: Layout['category'][number] = { title: '', chart: [] };
    for (const c of fields(f.bytes)) {
      if (c.field === 1) cat.title = readString(c);
      else if (c.field === 2) cat.chart.push(decodeChart(c.bytes));
    }
    layout.category.push(cat);
  }
  return layout;
}

function decodeChart(data: Uint8Array): LayoutChart {
  const chart: LayoutChart = { title: '' };
  for (const f of fields(data)) {
    if (f.field === 1) chart.title = readString(f);
    else if (f.field === 2) {
      chart.multiline = { tag: [] };
      for (const t of fields(f.bytes)) if (t.field === 1) chart.multiline.tag.push(readString(t));
    } else if (f.field === 3) {
      chart.margin = { series: [] };
      for (const s of fields(f.bytes)) {
        if (s.field !== 1) continue;
        const series = { value: '', lower: '', upper: '' };
        for (const p of fields(s.bytes)) {
          if (p.field === 1) series.value = readString(p);
          else if (p.field === 2) series.lower = readString(p);
          else if (p.field === 3) series.upper = readString(p);
        }
        chart.margin.series.push(series);
      }
    }
  }
  return chart;
}
