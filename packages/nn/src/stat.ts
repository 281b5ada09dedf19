/**
 * Model statistics as torchstat prints them: for each leaf layer of one forward pass (batch 1),
 * its input and output shapes, parameters, output memory, multiply-adds (MAdd), FLOPs, memory
 * read and written, and share of the time; then the totals. The counting rules are torchstat's
 * (compute_madd.py, compute_flops.py, compute_memory.py); layer types it does not count get 0,
 * as there.
 */
import { noGrad, rand, type Shape, type Tensor } from '@tensile/tensor';
import { ntuple } from './functional/conv';
import { ELU, LeakyReLU, PReLU, ReLU, ReLU6, Softmax } from './layers/activation';
import { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } from './layers/conv';
import { Linear } from './layers/linear';
import { BatchNorm1d, BatchNorm2d } from './layers/normalization';
import { AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d } from './layers/pooling';
import type { Module } from './module';

/** One row of stat(): one call of one leaf layer. */
export interface LayerStat {
  /** The layer's path in the model (`features.0`). */
  name: string;
  /** The layer's class name (`Conv2d`). */
  type: string;
  /** The shape of its first input, batch dim (1) included. */
  inputShape: Shape;
  /** The shape of its output (the first one, for several). */
  outputShape: Shape;
  /** Elements of the layer's own parameters. */
  params: number;
  /** Bytes of the output. */
  memory: number;
  /** Multiply-adds by torchstat's rules; 0 for layer types torchstat doesn't count. */
  madd: number;
  /**
   * Floating-point operations by torchstat's rules (which count differently from MAdd); 0 for layer
   * types it doesn't count.
   */
  flops: number;
  /** Bytes read (input and parameters) and written (output), as torchstat counts them. */
  memRead: number;
  /** Bytes written (the output), as torchstat counts them. */
  memWrite: number;
  /** Milliseconds of this layer's forward. */
  duration: number;
}

/** What stat() returns: the rows, the totals, and toString for torchstat's printed report. */
export interface ModelStat {
  /** One row per leaf layer call, in call order. */
  layers: LayerStat[];
  /** Elements of every parameter of the model. */
  totalParams: number;
  /** Bytes of every layer's output. */
  totalMemory: number;
  /** Sum of the layers' multiply-adds. */
  totalMAdd: number;
  /** Sum of the layers' FLOPs. */
  totalFlops: number;
  /** Bytes read plus written over all layers. */
  totalMemRW: number;
  /** The table and totals as torchstat prints them. */
  toString(): string;
}

const ITEM = 4; // float32 bytes, torchstat's itemsize
const numel = (s: Shape) => s.reduce((a, b) => a * b, 1);
const ownParams = (m: Module) => [...m.parameters(false)].reduce((s, p) => s + p.numel(), 0);
const trainable = (m: Module) =>
  [...m.parameters(false)].filter((p) => p.requiresGrad).reduce((s, p) => s + p.numel(), 0);

const isConv = (m: Module): m is Conv1d | Conv2d | ConvTranspose1d | ConvTranspose2d =>
  m instanceof Conv1d ||
  m instanceof Conv2d ||
  m instanceof ConvTranspose1d ||
  m instanceof ConvTranspose2d;
const isPool = (m: Module): m is MaxPool1d | MaxPool2d | AvgPool1d | AvgPool2d =>
  m instanceof MaxPool1d ||
  m instanceof MaxPool2d ||
  m instanceof AvgPool1d ||
  m instanceof AvgPool2d;
const isRelu = (m: Module) =>
  m instanceof ReLU || m instanceof ReLU6 || m instanceof ELU || m instanceof LeakyReLU;

/** torchstat's compute_madd: multiplications and additions. */
function madd(m: Module, inp: Shape, out: Shape): number {
  if (isConv(m)) {
    const transposed = m instanceof ConvTranspose1d || m instanceof ConvTranspose2d;
    const perOut = numel(m.kernelSize) * (inp[1] / m.groups);
    const add = perOut - 1 + (m.bias ? 1 : 0);
    // Transposed: one kernel per input position.
    const positions = numel((transposed ? inp : out).slice(2));
    return (perOut + add) * positions * out[1];
  }
  if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) return 4 * numel(inp.slice(1));
  if (isPool(m)) {
    const k = numel(
      ntuple(m instanceof MaxPool2d || m instanceof AvgPool2d ? 2 : 1, m.kernelSize, 'kernel_size'),
    );
    const perWindow = m instanceof MaxPool1d || m instanceof MaxPool2d ? k - 1 : k;
    return perWindow * numel(out.slice(1));
  }
  if (isRelu(m) || m instanceof PReLU) return numel(inp.slice(1));
  if (m instanceof Softmax) {
    const count = numel(inp.slice(1));
    return count + (count - 1) + count;
  }
  if (m instanceof Linear) return out[out.length - 1] * (2 * inp[inp.length - 1] - 1);
  return 0;
}

/** torchstat's compute_flops. */
function flops(m: Module, inp: Shape, out: Shape): number {
  if (isConv(m) && !(m instanceof ConvTranspose1d || m instanceof ConvTranspose2d)) {
    const positions = inp[0] * numel(out.slice(2));
    const conv = numel(m.kernelSize) * inp[1] * (out[1] / m.groups) * positions;
    return conv + (m.bias ? out[1] * positions : 0);
  }
  if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) return numel(inp) * (m.affine ? 2 : 1);
  if (isRelu(m)) return numel(inp);
  if (isPool(m)) return numel(inp);
  if (m instanceof Linear) return inp[0] * inp[inp.length - 1] * out[out.length - 1];
  return 0;
}

/** torchstat's compute_memory: elements read and written (times 4 bytes by the caller). */
function memory(m: Module, inp: Shape, out: Shape): [number, number] {
  const batch = inp[0];
  const rest = numel(inp.slice(1));
  if (isRelu(m)) return [batch * rest, batch * rest];
  if (m instanceof PReLU) return [batch * rest + trainable(m), batch * rest];
  if (m instanceof Conv2d) return [batch * (rest + trainable(m)), batch * numel(out.slice(1))];
  if (m instanceof BatchNorm2d) return [batch * (rest + 2 * inp[1]), numel(inp)];
  if (m instanceof Linear) return [batch * (rest + trainable(m)), numel(out)];
  if (m instanceof AvgPool2d || m instanceof MaxPool2d)
    return [batch * rest, batch * numel(out.slice(1))];
  return [0, 0];
}

/** torchstat's round_value: 1,000-based units (1,024-based for bytes). */
function rounded(value: number, binary = false): string {
  const d = binary ? 1024 : 1000;
  for (const [p, unit] of [
    [4, 'T'],
    [3, 'G'],
    [2, 'M'],
    [1, 'K'],
  ] as const)
    if (Math.floor(value / d ** p) > 0) return `${(value / d ** p).toFixed(2)}${unit}`;
  return `${value}`;
}

const group = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

function table(layers: LayerStat[], totalDuration: number): string {
  const head = [
    'module name',
    'input shape',
    'output shape',
    'params',
    'memory(MB)',
    'MAdd',
    'Flops',
    'MemRead(B)',
    'MemWrite(B)',
    'duration[%]',
    'MemR+W(B)',
  ];
  const rows = layers.map((l, i) => [
    `${i}  ${l.name}`,
    l.inputShape.slice(1).join(' '),
    l.outputShape.slice(1).join(' '),
    l.params.toFixed(1),
    (l.memory / 1024 ** 2).toFixed(2),
    group(l.madd),
    group(l.flops),
    l.memRead.toFixed(1),
    l.memWrite.toFixed(1),
    `${totalDuration > 0 ? ((100 * l.duration) / totalDuration).toFixed(2) : '0.00'}%`,
    (l.memRead + l.memWrite).toFixed(1),
  ]);
  const sum = (k: keyof LayerStat) => layers.reduce((s, l) => s + (l[k] as number), 0);
  rows.push([
    'total',
    '',
    '',
    sum('params').toFixed(1),
    (sum('memory') / 1024 ** 2).toFixed(2),
    group(sum('madd')),
    group(sum('flops')),
    sum('memRead').toFixed(1),
    sum('memWrite').toFixed(1),
    '100.00%',
    (sum('memRead') + sum('memWrite')).toFixed(1),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

/**
 * torchstat's `stat(model, input_size)`: one forward pass of a random input [1, ...inputShape]
 * in eval mode (each module's mode restored after) with a hook on every leaf layer.
 */
export function stat(model: Module, inputShape: Shape): ModelStat {
  const names = new Map(
    [...model.namedModules()].map(([n, m]) => [m, n || model.constructor.name]),
  );
  const leaves = [...model.modules()].filter((m) => [...m.children()].length === 0);
  const layers: LayerStat[] = [];
  const started = new Map<Module, number>();
  const handles = leaves.flatMap((m) => [
    m.registerForwardPreHook(() => {
      started.set(m, performance.now());
    }),
    m.registerForwardHook((_mod, args, out) => {
      const inp = (args[0] as Tensor).shape;
      const o = (Array.isArray(out) ? out[0] : out) as Tensor;
      const [read, write] = memory(m, inp, o.shape);
      layers.push({
        name: names.get(m) ?? '',
        type: m.constructor.name,
        inputShape: [...inp],
        outputShape: [...o.shape],
        params: ownParams(m),
        memory: o.numel() * ITEM,
        madd: madd(m, inp, o.shape),
        flops: flops(m, inp, o.shape),
        memRead: read * ITEM,
        memWrite: write * ITEM,
        duration: performance.now() - (started.get(m) ?? performance.now()),
      });
    }),
  ]);
  try {
    model.inEvalMode(() => noGrad(() => model.forward(rand([1, ...inputShape]))));
  } finally {
    for (const h of handles) h.remove();
  }
  const total = (k: keyof LayerStat) => layers.reduce((s, l) => s + (l[k] as number), 0);
  const result = {
    layers,
    totalParams: [...model.parameters()].reduce((s, p) => s + p.numel(), 0),
    totalMemory: total('memory'),
    totalMAdd: total('madd'),
    totalFlops: total('flops'),
    totalMemRW: total('memRead') + total('memWrite'),
  };
  const rule = '='.repeat(64);
  return {
    ...result,
    toString: () =>
      [
        table(layers, total('duration')),
        rule,
        `Total params: ${result.totalParams.toLocaleString('en-US')}`,
        '-'.repeat(64),
        `Total memory: ${(result.totalMemory / 1024 ** 2).toFixed(2)}MB`,
        `Total MAdd: ${rounded(result.totalMAdd)}MAdd`,
        `Total Flops: ${rounded(result.totalFlops)}Flops`,
        `Total MemR+W: ${rounded(result.totalMemRW, true)}B`,
      ].join('\n'),
  };
}
