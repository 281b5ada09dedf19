/**
 * A Caffe network definition (prototxt) of a model's traced forward pass, for the layers Caffe
 * has: Convolution/Deconvolution, Pooling (whose output size Caffe rounds up), InnerProduct,
 * the activations, Softmax, Concat, Eltwise, Scale (a chain of per-channel affine ops: batch
 * norm in eval mode), Clip, Flatten and Reshape. Structure only: Caffe keeps weights apart.
 */
import type { Module } from '@tensile/nn';
import type { Tensor } from '@tensile/tensor';
import { ExportError } from './errors';
import { prune, type TracedOp, trace, type Value } from './trace';

export interface PrototxtOptions {
  /** The net's name (default: the model's class name). */
  name?: string;
  /** Names of the input blobs (default `data`, or `data0`, `data1`, ...). */
  inputNames?: string[];
}

type Param = number | string | boolean | Param[] | { [k: string]: Param };

interface Layer {
  name: string;
  type: string;
  bottom: string[];
  params?: Record<string, Param>;
}

const isConst = (v: Value) => v.kind === 'constant';
const dims = (v: Value) => v.tensor.shape;
const attr = <T>(op: TracedOp, k: string) => op.attrs[k] as T;

function fail(why: string): never {
  throw new ExportError(`Caffe export: ${why}`);
}

/** Writes `{ k: v }` as prototxt: nested messages in braces, repeated fields repeated. */
function text(params: Record<string, Param>, indent: string): string {
  let out = '';
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (typeof item === 'object' && !Array.isArray(item))
        out += `${indent}${k} {\n${text(item, `${indent}  `)}${indent}}\n`;
      else if (typeof item === 'string' && /^[A-Z_]+$/.test(item))
        out += `${indent}${k}: ${item}\n`; // an enum value
      else out += `${indent}${k}: ${JSON.stringify(item)}\n`;
    }
  }
  return out;
}

/** `[a, a]` as one Caffe field (kernel_size), `[a, b]` as its _h/_w pair (kernel_h, kernel_w). */
function square(v: readonly number[], one: string, pair: string): Record<string, number> {
  if (v.length !== 2) fail(`${one} must be 2-D, got ${v.length}-D`);
  return v[0] === v[1] ? { [one]: v[0] } : { [`${pair}_h`]: v[0], [`${pair}_w`]: v[1] };
}

/** The kernel, stride and pad fields of a window; Caffe's defaults (stride 1, pad 0) left out. */
const windowFields = (kernel: number[], stride: number[], pad: number[]) => ({
  ...square(kernel, 'kernel_size', 'kernel'),
  ...(stride.every((v) => v === 1) ? {} : square(stride, 'stride', 'stride')),
  ...(pad.every((v) => v === 0) ? {} : square(pad, 'pad', 'pad')),
});

/** A blob between two layers that one op of the trace becomes (logSoftmax: Softmax, Log). */
const between = (v: Value): Value => ({ ...v });

/** Caffe's pooled size: rounded up, then the last window dropped if it starts in the padding. */
function caffePooled(size: number, k: number, s: number, p: number): number {
  let out = Math.ceil((size + 2 * p - k) / s) + 1;
  if (p > 0 && (out - 1) * s >= size + p) out--;
  return out;
}

class Net {
  readonly layers: Layer[] = [];
  private readonly blobs = new Map<Value, string>();
  private readonly taken = new Set<string>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly users: Map<Value, TracedOp[]>) {}

  setBlob(v: Value, name: string): void {
    this.blobs.set(v, name);
  }

  blob(v: Value): string {
    const b = this.blobs.get(v);
    if (b === undefined)
      fail(
        `a constant of size [${dims(v).join(', ')}] is an input of a layer; Caffe layers take only blobs`,
      );
    return b;
  }

  /** A fresh layer name: the parameter's module (`features.0`) or the type and a count. */
  private nameFor(type: string, param?: Value): string {
    const source = param?.name ?? param?.source;
    let base = source?.replace(/\.(weight|bias)$/, '');
    while (!base || this.taken.has(base)) {
      const n = (this.counts.get(type) ?? 0) + 1;
      this.counts.set(type, n);
      base = `${type.toLowerCase()}${n}`;
    }
    this.taken.add(base);
    return base;
  }

  add(type: string, bottom: Value[], top: Value, params?: Record<string, Param>, param?: Value) {
    const name = this.nameFor(type, param);
    this.layers.push({ name, type, bottom: bottom.map((b) => this.blob(b)), params });
    this.blobs.set(top, name);
  }

  /** The only op reading `v`, if exactly one does. */
  soleUser(v: Value): TracedOp | undefined {
    const u = this.users.get(v) ?? [];
    return u.length === 1 ? u[0] : undefined;
  }
}

function convLayer(net: Net, op: TracedOp): void {
  const [x, w, b] = op.inputs;
  if (dims(w).length !== 4)
    fail(`${op.op} over ${dims(w).length - 2}-D inputs: Caffe's is 2-D here`);
  const padding = attr<number[]>(op, 'padding');
  const ends = attr<number[]>(op, 'ends') ?? padding;
  if (padding.some((p, i) => p !== ends[i]))
    fail(`${op.op} with uneven padding (padding='same' of an even kernel) has no Caffe form`);
  const transposed = op.op === 'convTranspose';
  if (transposed && attr<number[]>(op, 'outputPadding').some((p) => p !== 0))
    fail('a transposed convolution with outputPadding has no Caffe form');
  const groups = attr<number>(op, 'groups') ?? 1;
  const out = transposed ? dims(w)[1] * groups : dims(w)[0];
  const dilation = attr<number[]>(op, 'dilation');
  const p: Record<string, Param> = {
    num_output: out,
    ...(b ? {} : { bias_term: false }),
    ...windowFields(dims(w).slice(2), attr(op, 'stride'), padding),
  };
  if (dilation.some((d) => d !== 1)) {
    if (dilation[0] !== dilation[1]) fail('a convolution dilated unevenly has no Caffe form');
    p.dilation = dilation[0];
  }
  if (groups !== 1) p.group = groups;
  const type = transposed ? 'Deconvolution' : 'Convolution';
  net.add(type, [x], op.outputs[0], { convolution_param: p }, w);
}

function poolLayer(net: Net, op: TracedOp, pool: 'MAX' | 'AVE'): void {
  const x = op.inputs[0];
  const kernel = attr<number[]>(op, pool === 'MAX' ? 'kernel' : 'kernelSize');
  const stride = attr<number[]>(op, 'stride');
  const padding = attr<number[]>(op, 'padding');
  const out = dims(op.outputs[0]).slice(2);
  const size = dims(x).slice(2);
  if (pool === 'MAX') {
    if (attr<number[]>(op, 'dilation').some((d) => d !== 1))
      fail('dilated max pooling has no Caffe form');
    if (op.outputs.slice(1).some((v) => v.used)) fail("max pooling's indices have no Caffe form");
  } else {
    if (attr(op, 'divisorOverride') !== null)
      fail('average pooling with divisorOverride has no Caffe form');
    if (!attr<boolean>(op, 'countIncludePad') && padding.some((p) => p > 0))
      fail('average pooling that leaves out the padding has no Caffe form (Caffe counts it)');
  }
  const params: Record<string, Param> = { pool };
  if (kernel.every((k, i) => k === size[i]) && padding.every((p) => p === 0)) {
    params.global_pooling = true;
  } else {
    const caffe = size.map((s, i) => caffePooled(s, kernel[i], stride[i], padding[i]));
    if (caffe.some((c, i) => c !== out[i]))
      fail(
        `pooling of [${size.join(', ')}] gives [${out.join(', ')}], and Caffe's (which rounds up) would give [${caffe.join(', ')}]; use ceilMode: true`,
      );
    Object.assign(params, windowFields(kernel, stride, padding));
  }
  net.add('Pooling', [x], op.outputs[0], { pooling_param: params });
}

/** A per-channel or scalar constant of a [N, C, ...] value: what Caffe's Scale takes. */
function perChannel(c: Value, x: Value): boolean {
  const cd = dims(c);
  const xd = dims(x);
  if (cd.reduce((a, b) => a * b, 1) === 1) return true;
  const lead = xd.length - cd.length;
  return (
    xd.length >= 2 && cd.every((d, i) => (i + lead === 1 ? d === xd[1] : d === 1)) && lead <= 1
  );
}

const AFFINE = new Set(['add', 'sub', 'mul', 'div']);

/** One constant operand of an affine op on a dynamic value, or null. */
function affineStep(op: TracedOp): { x: Value; scale: boolean } | null {
  if (!AFFINE.has(op.op)) return null;
  const [a, b] = op.inputs;
  const [x, c] = isConst(b)
    ? [a, b]
    : isConst(a) && op.op !== 'sub' && op.op !== 'div'
      ? [b, a]
      : [null, null];
  if (!x || !c || isConst(x) || !perChannel(c, x)) return null;
  return { x, scale: op.op === 'mul' || op.op === 'div' };
}

/** Emits the net's layers for `ops`, folding InnerProduct biases and affine chains. */
function layersOf(net: Net, ops: TracedOp[]): void {
  const done = new Set<TracedOp>();
  for (const op of ops) {
    if (done.has(op)) continue;
    const [a, b] = op.inputs;
    const y = op.outputs[0];
    switch (op.op) {
      case 'conv':
      case 'convTranspose':
      case 'convolution':
        convLayer(net, op.op === 'convolution' ? { ...op, attrs: { ...op.attrs, groups: 1 } } : op);
        break;
      case 'maxPool2d':
        poolLayer(net, op, 'MAX');
        break;
      case 'avgPool':
        poolLayer(net, op, 'AVE');
        break;
      case 'mean': {
        const d = attr<number[]>(op, 'dims');
        if (dims(a).length !== 4 || d.length !== 2 || d[0] !== 2 || d[1] !== 3)
          fail(`a mean over dims [${d.join(', ')}] of [${dims(a).join(', ')}] has no Caffe form`);
        const pooled = attr<boolean>(op, 'keepdim') ? y : between(y);
        net.add('Pooling', [a], pooled, { pooling_param: { pool: 'AVE', global_pooling: true } });
        if (pooled !== y) net.add('Flatten', [pooled], y);
        break;
      }
      case 'matmul': {
        if (!isConst(b) || dims(a).length !== 2 || dims(b).length !== 2)
          fail(
            `a matmul of [${dims(a).join(', ')}] and [${dims(b).join(', ')}] that is not a Linear layer has no Caffe form`,
          );
        const next = net.soleUser(y);
        const bias =
          next?.op === 'add' &&
          next.inputs.some((v) => isConst(v) && v.tensor.numel() === dims(b)[1]) &&
          dims(next.outputs[0]).join() === dims(y).join();
        const top = bias ? (next as TracedOp).outputs[0] : y;
        if (bias) done.add(next as TracedOp);
        const param = { num_output: dims(b)[1], ...(bias ? {} : { bias_term: false }) };
        net.add('InnerProduct', [a], top, { inner_product_param: param }, b);
        break;
      }
      case 'relu':
        net.add('ReLU', [a], y);
        break;
      case 'sigmoid':
        net.add('Sigmoid', [a], y);
        break;
      case 'tanh':
        net.add('TanH', [a], y);
        break;
      case 'abs':
        net.add('AbsVal', [a], y);
        break;
      case 'exp':
        net.add('Exp', [a], y);
        break;
      case 'log':
        net.add('Log', [a], y);
        break;
      case 'softmax':
      case 'logSoftmax': {
        const sm = op.op === 'softmax' ? y : between(y);
        net.add('Softmax', [a], sm, { softmax_param: { axis: attr<number>(op, 'dim') } });
        if (sm !== y) net.add('Log', [sm], y);
        break;
      }
      case 'clamp': {
        const [, lo, hi] = op.inputs;
        const bound = (v: Value) => (isConst(v) && v.tensor.numel() === 1 ? v.tensor.item() : null);
        const [min, max] = [bound(lo), bound(hi)];
        if (min === null || max === null) fail('a clamp by tensors has no Caffe form');
        if (min === 0 && max === Number.POSITIVE_INFINITY) net.add('ReLU', [a], y);
        else if (!Number.isFinite(min) || !Number.isFinite(max))
          fail('a clamp with one bound (other than relu) has no Caffe form');
        else net.add('Clip', [a], y, { clip_param: { min, max } });
        break;
      }
      case 'cat':
        net.add('Concat', op.inputs, y, { concat_param: { axis: attr<number>(op, 'dim') } });
        break;
      // Every reshaping view (reshape, flatten, squeeze, ...) is recorded as 'view'.
      case 'view': {
        const out = dims(y);
        if (out.length === 2 && out[0] === dims(a)[0]) net.add('Flatten', [a], y);
        else
          net.add('Reshape', [a], y, { reshape_param: { shape: { dim: [0, ...out.slice(1)] } } });
        break;
      }
      default: {
        const step = affineStep(op);
        if (step) {
          // The longest chain of per-channel affine ops, each the sole reader of the one before.
          let last = op;
          let scale = step.scale;
          let bias = !step.scale;
          for (
            let next = net.soleUser(last.outputs[0]);
            next;
            next = net.soleUser(last.outputs[0])
          ) {
            const s = affineStep(next);
            if (!s || s.x !== last.outputs[0]) break;
            scale ||= s.scale;
            bias ||= !s.scale;
            done.add(next);
            last = next;
          }
          const param = { axis: 1, ...(scale ? {} : { num_axes: 0 }), bias_term: bias };
          net.add(
            scale ? 'Scale' : 'Bias',
            [step.x],
            last.outputs[0],
            scale ? { scale_param: param } : undefined,
          );
          break;
        }
        const eltwise: Record<string, string> = { add: 'SUM', mul: 'PROD', maximum: 'MAX' };
        if (
          eltwise[op.op] &&
          op.inputs.every((v) => !isConst(v)) &&
          dims(a).join() === dims(b).join()
        ) {
          net.add('Eltwise', op.inputs, y, { eltwise_param: { operation: eltwise[op.op] } });
          break;
        }
        const shapes = op.inputs.map((v) => `[${dims(v).join(', ')}]`).join(', ');
        fail(`Caffe has no layer for op '${op.op}' (inputs ${shapes})`);
      }
    }
  }
}

/** The Caffe prototxt of `model` traced on `inputs` (eval mode, as exportOnnx traces). */
export function toPrototxt(
  model: Module,
  inputs: Tensor | readonly Tensor[],
  opts: PrototxtOptions = {},
): string {
  const tr = trace(model, inputs, 'toPrototxt');
  const ops = prune(tr);
  const users = new Map<Value, TracedOp[]>();
  for (const op of ops) for (const v of op.inputs) users.set(v, [...(users.get(v) ?? []), op]);
  const net = new Net(users);
  const names =
    opts.inputNames ?? tr.inputs.map((_, i) => (tr.inputs.length === 1 ? 'data' : `data${i}`));
  let out = `name: ${JSON.stringify(opts.name ?? model.constructor.name)}\n`;
  tr.inputs.forEach((v, i) => {
    net.setBlob(v, names[i]);
    const shape = { shape: { dim: [...dims(v)] } };
    out += `layer {\n${text({ name: names[i], type: 'Input', top: names[i], input_param: shape }, '  ')}}\n`;
  });
  layersOf(net, ops);
  for (const l of net.layers) {
    const head = { name: l.name, type: l.type, bottom: l.bottom, top: l.name };
    out += `layer {\n${text({ ...head, ...l.params }, '  ')}}\n`;
  }
  return out;
}
