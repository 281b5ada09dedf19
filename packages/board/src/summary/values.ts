import { dict } from '../dict';
import { BoardInputError } from '../errors';
import type { SummaryValue } from '../proto/event';
import {
  encodeHParamsPluginData,
  encodeLayout,
  encodeVersionedPluginData,
  HParamDataType,
  type HParamInfo,
  HParamStatus,
  type HParamsPluginData,
  type HParamValue,
  type LayoutChart,
} from '../proto/plugins';
import { DataType } from '../proto/tensor';

// Summary values as torch.utils.tensorboard.summary builds them, plugin metadata included.

const utf8 = new TextEncoder();

export function scalarValue(
  tag: string,
  value: number,
  newStyle = false,
  doublePrecision = false,
): SummaryValue {
  if (!newStyle) return { tag, simpleValue: value };
  const dtype = doublePrecision ? DataType.DOUBLE : DataType.FLOAT;
  return { tag, tensor: { dtype, values: [value], strings: [] }, metadata: plugin('scalars') };
}

function plugin(pluginName: string, content: Uint8Array = new Uint8Array()) {
  return { pluginData: { pluginName, content } };
}

export function textValue(tag: string, text: string): SummaryValue {
  return {
    tag: `${tag}/text_summary`,
    metadata: plugin('text', encodeVersionedPluginData(0)),
    tensor: { dtype: DataType.STRING, shape: [1], values: [], strings: [utf8.encode(text)] },
  };
}

export function prCurveValue(tag: string, table: number[][], numThresholds: number): SummaryValue {
  return {
    tag,
    metadata: plugin('pr_curves', encodeVersionedPluginData(0, numThresholds)),
    tensor: {
      dtype: DataType.FLOAT,
      shape: [table.length, numThresholds],
      values: table.flat(),
      strings: [],
    },
  };
}

/** `{ category: { chartTitle: ['Multiline', tags] | ['Margin', [value, lower, upper]] } }`, as PyTorch. */
export type CustomScalarLayout = Record<string, Record<string, ['Multiline' | 'Margin', string[]]>>;

export function customScalarsValue(layout: CustomScalarLayout): SummaryValue {
  const category = Object.entries(layout).map(([title, charts]) => ({
    title,
    chart: Object.entries(charts).map(([chartTitle, [kind, tags]]) =>
      layoutChart(chartTitle, kind, tags),
    ),
  }));
  return {
    tag: 'custom_scalars__config__',
    metadata: plugin('custom_scalars'),
    tensor: {
      dtype: DataType.STRING,
      shape: [],
      values: [],
      strings: [encodeLayout({ category })],
    },
  };
}

function layoutChart(title: string, kind: string, tags: string[]): LayoutChart {
  if (kind === 'Multiline') return { title, multiline: { tag: tags } };
  if (kind !== 'Margin' || tags.length !== 3) {
    throw new BoardInputError(
      `custom scalars '${title}': expected ['Multiline', tags] or ['Margin', [value, lower, upper]]`,
    );
  }
  const [value, lower, upper] = tags;
  return { title, margin: { series: [{ value, lower, upper }] } };
}

export const HPARAMS_TAGS = {
  experiment: '_hparams_/experiment',
  sessionStart: '_hparams_/session_start_info',
  sessionEnd: '_hparams_/session_end_info',
} as const;

/** The experiment, session-start and session-end values of the hparams plugin. */
export function hparamsValues(
  hparamDict: Record<string, HParamValue | null | undefined>,
  metricDict: Record<string, number>,
  domainDiscrete: Record<string, HParamValue[]> = {},
): SummaryValue[] {
  const hparams = dict<HParamValue>();
  const hparamInfos: HParamInfo[] = [];
  for (const [name, value] of Object.entries(hparamDict)) {
    if (value === null || value === undefined) continue;
    if (!((typeof value) in HPARAM_TYPE)) {
      throw new BoardInputError(`hparamDict['${name}'] should be a number, string or boolean`);
    }
    const domain = Object.hasOwn(domainDiscrete, name) ? domainDiscrete[name] : undefined;
    if (domain && !domain.every((d) => typeof d === typeof value)) {
      throw new BoardInputError(
        `hparamDomainDiscrete['${name}'] should hold values of the type of hparamDict['${name}']`,
      );
    }
    hparams[name] = value;
    hparamInfos.push({
      name,
      type: HPARAM_TYPE[typeof value],
      ...(domain ? { domainDiscrete: domain } : {}),
    });
  }
  for (const name of Object.keys(domainDiscrete)) {
    if (!Object.hasOwn(hparams, name))
      throw new BoardInputError(`hparamDomainDiscrete['${name}'] has no value in hparamDict`);
  }
  const metricInfos = Object.keys(metricDict).map((tag) => ({ tag }));
  const value = (tag: string, data: Omit<HParamsPluginData, 'version'>): SummaryValue => ({
    tag,
    metadata: plugin('hparams', encodeHParamsPluginData({ version: 0, ...data })),
  });
  return [
    value(HPARAMS_TAGS.experiment, { experiment: { hparamInfos, metricInfos } }),
    value(HPARAMS_TAGS.sessionStart, { sessionStartInfo: { hparams } }),
    value(HPARAMS_TAGS.sessionEnd, { sessionEndInfo: { status: HParamStatus.SUCCESS } }),
  ];
}

const HPARAM_TYPE: Record<string, number> = {
  number: HParamDataType.FLOAT64,
  string: HParamDataType.STRING,
  boolean: HParamDataType.BOOL,
};
