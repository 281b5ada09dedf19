import { decodeTensor, encodeTensor, type TensorProto } from './tensor';
import {
  fields,
  ProtoWriter,
  readDouble,
  readFloat,
  readRepeated,
  readString,
  toInt64,
} from './wire';

// Field numbers follow tensorboard/compat/proto/{event,summary,histogram}.proto.

/**
 * A histogram as TensorBoard stores it (tensorboard's HistogramProto): summary statistics plus
 * bucket counts with their right edges.
 */
export interface HistogramProto {
  /** The smallest value. */
  min: number;
  /** The largest value. */
  max: number;
  /** The number of values. */
  num: number;
  /** The sum of the values. */
  sum: number;
  /** The sum of the squared values. */
  sumSquares: number;
  /** Right edge of each bucket. */
  bucketLimit: number[];
  /** The count of each bucket, one per bucketLimit entry. */
  bucket: number[];
}

/** An encoded image (tensorboard's Summary.Image). */
export interface ImageProto {
  /** Height in pixels. */
  height: number;
  /** Width in pixels. */
  width: number;
  /** 1 grayscale, 2 grayscale+alpha, 3 RGB, 4 RGBA. */
  colorspace: number;
  /** The encoded file (PNG from this writer and PyTorch's). */
  encodedImageString: Uint8Array;
}

export interface PluginData {
  pluginName: string;
  content: Uint8Array;
}

/** Which plugin a summary value belongs to, and how to show it (tensorboard's SummaryMetadata). */
export interface SummaryMetadata {
  /** The owning plugin ('scalars', 'text', 'pr_curves', 'hparams', ...) and its payload. */
  pluginData?: PluginData;
  /** A name to show instead of the tag. */
  displayName?: string;
  /** Markdown describing the series. */
  summaryDescription?: string;
  /** tensorboard's DataClass: 0 unknown, 1 scalar, 2 tensor, 3 blob sequence. */
  dataClass?: number;
}

/** One tagged value of a Summary (tensorboard's Summary.Value), one of its value fields set. */
export interface SummaryValue {
  /** The series name, e.g. 'loss' or 'train/accuracy'. */
  tag: string;
  /** Plugin metadata; needed for tensor values. */
  metadata?: SummaryMetadata;
  /** An old-style scalar, stored as float32. */
  simpleValue?: number;
  /** An image. */
  image?: ImageProto;
  /** A histogram. */
  histo?: HistogramProto;
  /** A tensor, interpreted by the plugin named in `metadata`. */
  tensor?: TensorProto;
}

/** The values logged by one add* call (tensorboard's Summary). */
export interface Summary {
  /** The tagged values. */
  value: SummaryValue[];
}

export const SessionStatus = { UNSPECIFIED: 0, START: 1, STOP: 2, CHECKPOINT: 3 } as const;

export interface SessionLog {
  status: number;
  checkpointPath?: string;
  msg?: string;
}

/** One record of an event file (tensorboard's Event): a time, a step, and one payload. */
export interface Event {
  /** Seconds since the epoch, fractional. */
  wallTime: number;
  /** The global step (0 when not given). */
  step: number;
  /** 'brain.Event:2', in the first event of a file. */
  fileVersion?: string;
  /** A serialized GraphDef (see decodeGraphDef). */
  graphDef?: Uint8Array;
  /** Logged values. */
  summary?: Summary;
  /**
   * A session status; START at a purge step tells readers to drop what earlier sessions logged at
   * or after that step.
   */
  sessionLog?: SessionLog;
}

/** Serializes an Event to protobuf bytes (without the TFRecord framing; see encodeRecord). */
export function encodeEvent(e: Event): Uint8Array {
  const w = new ProtoWriter().double(1, e.wallTime).varint(2, e.step);
  if (e.fileVersion !== undefined) w.string(3, e.fileVersion, true);
  if (e.graphDef) w.bytes(4, e.graphDef, true);
  if (e.summary) w.message(5, encodeSummary(e.summary));
  if (e.sessionLog) w.message(7, encodeSessionLog(e.sessionLog));
  return w.finish();
}

export function encodeSummary(s: Summary): Uint8Array {
  const w = new ProtoWriter();
  for (const v of s.value) w.message(1, encodeValue(v));
  return w.finish();
}

function encodeValue(v: SummaryValue): Uint8Array {
  const w = new ProtoWriter().string(1, v.tag);
  if (v.simpleValue !== undefined) w.float(2, v.simpleValue, true);
  if (v.image) w.message(4, encodeImage(v.image));
  if (v.histo) w.message(5, encodeHistogram(v.histo));
  if (v.tensor) w.message(8, encodeTensor(v.tensor));
  if (v.metadata) w.message(9, encodeMetadata(v.metadata));
  return w.finish();
}

function encodeImage(i: ImageProto): Uint8Array {
  return new ProtoWriter()
    .varint(1, i.height)
    .varint(2, i.width)
    .varint(3, i.colorspace)
    .bytes(4, i.encodedImageString)
    .finish();
}

export function encodeHistogram(h: HistogramProto): Uint8Array {
  return new ProtoWriter()
    .double(1, h.min)
    .double(2, h.max)
    .double(3, h.num)
    .double(4, h.sum)
    .double(5, h.sumSquares)
    .packedDoubles(6, h.bucketLimit)
    .packedDoubles(7, h.bucket)
    .finish();
}

function encodeMetadata(m: SummaryMetadata): Uint8Array {
  const w = new ProtoWriter();
  if (m.pluginData) {
    const p = m.pluginData;
    w.message(1, new ProtoWriter().string(1, p.pluginName).bytes(2, p.content).finish());
  }
  return w
    .string(2, m.displayName ?? '')
    .string(3, m.summaryDescription ?? '')
    .varint(4, m.dataClass ?? 0)
    .finish();
}

function encodeSessionLog(s: SessionLog): Uint8Array {
  return new ProtoWriter()
    .varint(1, s.status)
    .string(2, s.checkpointPath ?? '')
    .string(3, s.msg ?? '')
    .finish();
}

/** Parses the protobuf bytes of one Event (one record's data); unknown fields are skipped. */
export function decodeEvent(data: Uint8Array): Event {
  const e: Event = { wallTime: 0, step: 0 };
  for (const f of fields(data)) {
    if (f.field === 1) e.wallTime = readDouble(f);
    else if (f.field === 2) e.step = toInt64(f.varint);
    else if (f.field === 3) e.fileVersion = readString(f);
    else if (f.field === 4) e.graphDef = f.bytes;
    else if (f.field === 5) e.summary = decodeSummary(f.bytes);
    else if (f.field === 7) e.sessionLog = decodeSessionLog(f.bytes);
  }
  return e;
}

export function decodeSummary(data: Uint8Array): Summary {
  const value: SummaryValue[] = [];
  for (const f of fields(data)) if (f.field === 1) value.push(decodeValue(f.bytes));
  return { value };
}

function decodeValue(data: Uint8Array): SummaryValue {
  const v: SummaryValue = { tag: '' };
  for (const f of fields(data)) {
    if (f.field === 1) v.tag = readString(f);
    else if (f.field === 2) v.simpleValue = readFloat(f);
    else if (f.field === 4) v.image = decodeImage(f.bytes);
    else if (f.field === 5) v.histo = decodeHistogram(f.bytes);
    else if (f.field === 8) v.tensor = decodeTensor(f.bytes);
    else if (f.field === 9) v.metadata = decodeMetadata(f.bytes);
  }
  return v;
}

function decodeImage(data: Uint8Array): ImageProto {
  const i: ImageProto = {
    height: 0,
    width: 0,
    colorspace: 0,
    encodedImageString: new Uint8Array(),
  };
  for (const f of fields(data)) {
    if (f.field === 1) i.height = f.varint;
    else if (f.field === 2) i.width = f.varint;
    else if (f.field === 3) i.colorspace = f.varint;
    else if (f.field === 4) i.encodedImageString = f.bytes;
  }
  return i;
}

export function decodeHistogram(data: Uint8Array): HistogramProto {
  const h: HistogramProto = {
    min: 0,
    max: 0,
    num: 0,
    sum: 0,
    sumSquares: 0,
    bucketLimit: [],
    bucket: [],
  };
  for (const f of fields(data)) {
    if (f.field === 1) h.min = readDouble(f);
    else if (f.field === 2) h.max = readDouble(f);
    else if (f.field === 3) h.num = readDouble(f);
    else if (f.field === 4) h.sum = readDouble(f);
    else if (f.field === 5) h.sumSquares = readDouble(f);
    else if (f.field === 6) readRepeated(f, h.bucketLimit, 'double');
    else if (f.field === 7) readRepeated(f, h.bucket, 'double');
  }
  return h;
}

function decodeMetadata(data: Uint8Array): SummaryMetadata {
  const m: SummaryMetadata = {};
  for (const f of fields(data)) {
    if (f.field === 1) m.pluginData = decodePluginData(f.bytes);
    else if (f.field === 2) m.displayName = readString(f);
    else if (f.field === 3) m.summaryDescription = readString(f);
    else if (f.field === 4) m.dataClass = f.varint;
  }
  return m;
}

function decodePluginData(data: Uint8Array): PluginData {
  const p: PluginData = { pluginName: '', content: new Uint8Array() };
  for (const f of fields(data)) {
    if (f.field === 1) p.pluginName = readString(f);
    else if (f.field === 2) p.content = f.bytes;
  }
  return p;
}

function decodeSessionLog(data: Uint8Array): SessionLog {
  const s: SessionLog = { status: 0 };
  for (const f of fields(data)) {
    if (f.field === 1) s.status = f.varint;
    else if (f.field === 2) s.checkpointPath = readString(f);
    else if (f.field === 3) s.msg = readString(f);
  }
  return s;
}
