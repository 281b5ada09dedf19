import { decodeTensorShape, encodeTensorShape } from './tensor';
import {
  type Field,
  fields,
  ProtoWriter,
  readFloat,
  readRepeated,
  readString,
  toInt64,
} from './wire';

// Field numbers follow tensorboard/compat/proto/{graph,node_def,attr_value,versions}.proto.

/** An attribute value: s, i, f, b, a shape, or a list of those (AttrValue.ListValue). */
export type AttrValue = string | number | boolean | number[] | AttrScalar[] | number[][];
type AttrScalar = string | number | boolean;

/** One node of a GraphDef (TensorFlow's NodeDef, which TensorBoard's Graphs tab draws). */
export interface NodeDef {
  /** Unique name; slashes group nodes into collapsible scopes ('layer1/conv'). */
  name: string;
  /** The operation type shown on the node. */
  op: string;
  /** Names of the nodes feeding this one. */
  input: string[];
  /** The device shown for the node, if any. */
  device?: string;
  /** Attributes shown in the node's details (`_output_shapes` holds its output shapes). */
  attr: Record<string, AttrValue>;
}

/** A model graph as TensorBoard reads it (TensorFlow's GraphDef), nodes only. */
export interface GraphDef {
  /** The nodes, edges given by their `input` lists. */
  node: NodeDef[];
  /** VersionDef.producer; PyTorch writes 22. */
  producer?: number;
}

/** A tagged wrapper so a number[] attr can be written as a shape instead of a list of ints. */
export interface ShapeListAttr {
  shapes: readonly (readonly number[])[];
}

type NodeDefInput = Omit<NodeDef, 'attr'> & { attr: Record<string, AttrValue | ShapeListAttr> };

export function encodeGraphDef(g: { node: NodeDefInput[]; producer?: number }): Uint8Array {
  const w = new ProtoWriter();
  for (const n of g.node) w.message(1, encodeNodeDef(n));
  if (g.producer !== undefined) w.message(4, new ProtoWriter().varint(1, g.producer).finish());
  return w.finish();
}

function encodeNodeDef(n: NodeDefInput): Uint8Array {
  const w = new ProtoWriter().string(1, n.name).string(2, n.op);
  for (const input of n.input) w.string(3, input, true);
  w.string(4, n.device ?? '');
  for (const [key, value] of Object.entries(n.attr)) {
    w.message(5, new ProtoWriter().string(1, key).message(2, encodeAttr(value)).finish());
  }
  return w.finish();
}

function encodeAttr(value: AttrValue | ShapeListAttr): Uint8Array {
  const w = new ProtoWriter();
  if (typeof value === 'string') return w.string(2, value, true).finish();
  if (typeof value === 'boolean') return w.varint(5, value, true).finish();
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? w.varint(3, value, true).finish()
      : w.float(4, value, true).finish();
  }
  const list = new ProtoWriter();
  if ('shapes' in value) for (const s of value.shapes) list.message(7, encodeTensorShape(s));
  else for (const item of value) encodeListItem(list, item);
  return w.message(1, list.finish()).finish();
}

function encodeListItem(list: ProtoWriter, item: AttrScalar | number[]): void {
  if (Array.isArray(item)) list.message(7, encodeTensorShape(item));
  else if (typeof item === 'string') list.string(2, item, true);
  else if (typeof item === 'boolean') list.varint(5, item, true);
  else if (Number.isInteger(item)) list.varint(3, item, true);
  else list.float(4, item, true);
}

/** Parses a serialized GraphDef, as found in Event.graphDef. */
export function decodeGraphDef(data: Uint8Array): GraphDef {
  const g: GraphDef = { node: [] };
  for (const f of fields(data)) {
    if (f.field === 1) g.node.push(decodeNodeDef(f.bytes));
    else if (f.field === 4)
      for (const v of fields(f.bytes)) if (v.field === 1) g.producer = v.varint;
  }
  return g;
}

function decodeNodeDef(data: Uint8Array): NodeDef {
  const n: NodeDef = { name: '', op: '', input: [], attr: {} };
  for (const f of fields(data)) {
    if (f.field === 1) n.name = readString(f);
    else if (f.field === 2) n.op = readString(f);
    else if (f.field === 3) n.input.push(readString(f));
    else if (f.field === 4) n.device = readString(f);
    else if (f.field === 5) decodeAttrEntry(f.bytes, n.attr);
  }
  return n;
}

function decodeAttrEntry(data: Uint8Array, into: Record<string, AttrValue>): void {
  let key = '';
  let value: AttrValue = '';
  for (const f of fields(data)) {
    if (f.field === 1) key = readString(f);
    else if (f.field === 2) value = decodeAttr(f.bytes);
  }
  into[key] = value;
}

function decodeAttr(data: Uint8Array): AttrValue {
  let value: AttrValue = '';
  for (const f of fields(data)) {
    if (f.field === 1) value = decodeList(f.bytes);
    else if (f.field !== 8) value = decodeScalar(f) as AttrValue;
  }
  return value;
}

function decodeScalar(f: Field): AttrScalar | number[] {
  if (f.field === 2) return readString(f);
  if (f.field === 3) return toInt64(f.varint);
  if (f.field === 4) return readFloat(f);
  if (f.field === 5) return f.varint !== 0;
  if (f.field === 7) return decodeTensorShape(f.bytes);
  return f.varint;
}

function decodeList(data: Uint8Array): AttrValue {
  const items: (AttrScalar | number[])[] = [];
  for (const f of fields(data)) {
    if (f.field === 2 || f.field === 7) items.push(decodeScalar(f));
    else if (f.field === 3 || f.field === 4 || f.field === 5 || f.field === 6) {
      const raw: number[] = [];
      readRepeated(f, raw, f.field === 4 ? 'float' : 'varint');
      for (const r of raw) items.push(f.field === 5 ? r !== 0 : f.field === 3 ? toInt64(r) : r);
    }
  }
  return items as AttrValue;
}
