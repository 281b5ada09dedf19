/**
 * torch.onnx.export for Tensile: the model's forward pass traced on example inputs, folded and
 * pruned, written as an ONNX ModelProto (IR version 8, opset 17) with the parameters as
 * initializers under their state-dict names. Shapes are static, as torch's without
 * dynamic_axes.
 */
import type { Module } from '@tensile/nn';
import type { DType, Tensor } from '@tensile/tensor';
import { ExportError } from '../errors';
import { prune, type TracedOp, trace, type Value } from '../trace';
import { type Attr, CONVERTERS, type Emitter, onnxDtype } from './convert';
import { Writer } from './proto';

export interface OnnxOptions {
  /** Names of the graph's inputs (default `input`, or `input.0`, `input.1`, ...). */
  inputNames?: string[];
  /** Names of the graph's outputs (default `output`, or `output.0`, ...). */
  outputNames?: string[];
  /** Written into the model's doc_string. */
  docString?: string;
}

export const OPSET = 17;
const IR_VERSION = 8;

function defaultNames(n: number, stem: string, given?: string[]): string[] {
  if (given && given.length !== n)
    throw new ExportError(`ONNX export: ${n} ${stem} names needed, got ${given.length}`);
  return given ?? Array.from({ length: n }, (_, i) => (n === 1 ? stem : `${stem}.${i}`));
}

/** A tensor's elements as little-endian bytes in `dtype` (int64 as 8 bytes each). */
function rawBytes(values: ArrayLike<number>, dtype: DType | 'int64'): Uint8Array {
  switch (dtype) {
    case 'float32':
      return new Uint8Array(Float32Array.from(values).buffer);
    case 'float64':
      return new Uint8Array(Float64Array.from(values).buffer);
    case 'int32':
      return new Uint8Array(Int32Array.from(values).buffer);
    case 'int64':
      return new Uint8Array(BigInt64Array.from(Array.from(values, (v) => BigInt(v))).buffer);
    default:
      return Uint8Array.from(values, (v) => (dtype === 'bool' ? Number(v !== 0) : v));
  }
}

function tensorProto(
  name: string,
  shape: readonly number[],
  dtype: DType,
  raw: Uint8Array,
): Writer {
  const t = new Writer();
  for (const d of shape) t.int(1, d);
  return t.int(2, onnxDtype(dtype)).string(8, name).bytes(9, raw);
}

function valueInfo(name: string, v: Value): Writer {
  const shape = new Writer();
  for (const d of v.tensor.shape) shape.message(1, new Writer().int(1, d));
  const tensorType = new Writer().int(1, onnxDtype(v.tensor.dtype)).message(2, shape);
  return new Writer().string(1, name).message(2, new Writer().message(1, tensorType));
}

function attribute(name: string, a: Attr): Writer {
  const w = new Writer().string(1, name);
  if ('i' in a) return w.int(3, a.i).int(20, 2);
  if ('f' in a) return w.float(2, a.f).int(20, 1);
  if ('ints' in a) return w.ints(8, a.ints).int(20, 7);
  if ('floats' in a) return w.floats(7, a.floats).int(20, 6);
  return w.string(4, a.s).int(20, 3);
}

/** The graph's nodes and initializers, built op by op. */
class Graph implements Emitter {
  readonly nodes: Writer[] = [];
  readonly initializers: Writer[] = [];
  private readonly names = new Map<Value, string>();
  private readonly converted = new Map<string, string>();
  private count = 0;

  constructor(inputNames: Map<Value, string>) {
    for (const [v, n] of inputNames) this.names.set(v, n);
  }

  name = (v: Value): string => {
    const known = this.names.get(v);
    if (known !== undefined) return known;
    const n = v.kind === 'constant' ? (v.name ?? `onnx::Constant_${v.id}`) : `/t${v.id}`;
    this.names.set(v, n);
    if (v.kind === 'constant') {
      const t = v.tensor;
      this.initializers.push(
        tensorProto(n, t.shape, t.dtype, rawBytes(t.contiguous().dataSync(), t.dtype)),
      );
    }
    return n;
  };

  rename(v: Value, n: string): void {
    this.names.set(v, n);
  }

  tmp = (): string => `/tmp_${this.count++}`;

  node = (
    type: string,
    inputs: string[],
    outputs: string[],
    attrs: Record<string, Attr> = {},
  ): void => {
    const n = new Writer();
    for (const i of inputs) n.string(1, i);
    for (const o of outputs) n.string(2, o);
    n.string(3, `/${type}_${this.nodes.length}`).string(4, type);
    for (const [k, a] of Object.entries(attrs)) n.message(5, attribute(k, a));
    this.nodes.push(n);
  };

  constant = (
    values: readonly number[],
    shape: readonly number[],
    dtype: DType | 'int64',
  ): string => {
    const n = `/const_${this.count++}`;
    const raw = rawBytes(values, dtype);
    this.initializers.push(tensorProto(n, shape, dtype === 'int64' ? 'int64' : dtype, raw));
    return n;
  };

  as = (v: Value, dtype: DType): string => {
    const from = v.tensor.dtype;
    if (from === dtype) return this.name(v);
    const key = `${v.id}:${dtype}`;
    const known = this.converted.get(key);
    if (known !== undefined) return known;
    let n: string;
    if (v.kind === 'constant') {
      n = this.constant(Array.from(v.tensor.contiguous().dataSync()), v.tensor.shape, dtype);
    } else {
      n = this.tmp();
      this.node('Cast', [this.name(v)], [n], { to: { i: onnxDtype(dtype) } });
    }
    this.converted.set(key, n);
    return n;
  };
}

function convert(g: Graph, op: TracedOp): void {
  const convert = CONVERTERS[op.op];
  if (!convert) {
    const shapes = op.inputs.map((v) => `[${v.tensor.shape.join(', ')}]`).join(', ');
    throw new ExportError(`ONNX export: op '${op.op}' (inputs ${shapes}) has no ONNX form yet`);
  }
  convert(g, op);
}

/** The ONNX file (bytes of a ModelProto) of `model` traced on `inputs`. */
export function toOnnx(
  model: Module,
  inputs: Tensor | readonly Tensor[],
  opts: OnnxOptions = {},
): Uint8Array {
  const tr = trace(model, inputs, 'exportOnnx');
  const ops = prune(tr);
  const inputNames = defaultNames(tr.inputs.length, 'input', opts.inputNames);
  const outputNames = defaultNames(tr.outputs.length, 'output', opts.outputNames);
  const g = new Graph(new Map(tr.inputs.map((v, i) => [v, inputNames[i]])));
  // Each output value is written under its output name; a value returned twice (or an input
  // returned as is) goes out through an Identity node.
  const direct = new Set<Value>();
  tr.outputs.forEach((v, i) => {
    if (v.kind === 'constant')
      throw new ExportError('exportOnnx: an output of the model does not depend on its inputs');
    if (v.kind === 'op' && !direct.has(v)) {
      direct.add(v);
      g.rename(v, outputNames[i]);
    }
  });
  for (const op of ops) convert(g, op);
  tr.outputs.forEach((v, i) => {
    if (g.name(v) !== outputNames[i]) g.node('Identity', [g.name(v)], [outputNames[i]]);
  });
  const graph = new Writer();
  for (const n of g.nodes) graph.message(1, n);
  graph.string(2, 'main_graph');
  for (const t of g.initializers) graph.message(5, t);
  tr.inputs.forEach((v, i) => {
    graph.message(11, valueInfo(inputNames[i], v));
  });
  tr.outputs.forEach((v, i) => {
    graph.message(12, valueInfo(outputNames[i], v));
  });
  const m = new Writer().int(1, IR_VERSION).string(2, 'tensile').string(3, '0.1.0');
  if (opts.docString) m.string(6, opts.docString);
  m.message(7, graph).message(8, new Writer().string(1, '').int(2, OPSET));
  return m.finish();
}

/** Writes `model` traced on `inputs` to the ONNX file `path` (atomically, as save does). */
export async function exportOnnx(
  model: Module,
  inputs: Tensor | readonly Tensor[],
  path: string,
  opts: OnnxOptions = {},
): Promise<void> {
  const bytes = toOnnx(model, inputs, opts);
  const { rename, writeFile, rm } = await import('node:fs/promises');
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
