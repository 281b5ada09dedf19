/**
 * A model's forward pass as a graph, traced as torch.jit.trace does: the model runs once in
 * eval mode on example inputs while `observeOps` reports every op. Tensors that no traced op
 * made and that are not inputs are constants (parameters, buffers, folded values).
 */
import type { Module } from '@tensile/nn';
import { noGrad, type ObservedOp, type OpAttrs, observeOps, type Tensor } from '@tensile/tensor';
import { ExportError } from './errors';

/** A value in the graph: a graph input, an op's output, or a constant with its data. */
export interface Value {
  id: number;
  /** The tensor it was when traced (a constant's data, every value's shape and dtype). */
  tensor: Tensor;
  kind: 'input' | 'op' | 'constant';
  /** A parameter's or buffer's name in the model (`features.0.weight`). */
  name?: string;
  /** For a folded constant, the parameter it was computed from (`fc.weight` for its transpose). */
  source?: string;
  /** Read by an op of the exported graph or one of its outputs (set by `prune`). */
  used?: boolean;
}

export interface TracedOp {
  /** The op as the tensor package's op map names it (or a composite: conv, maxPool2d). */
  op: ObservedOp;
  inputs: Value[];
  outputs: Value[];
  attrs: OpAttrs;
  /** The modules it ran in, as torch's graphs name them: `LeNet/Conv2d[0]`. */
  scope: string;
}

export interface Trace {
  inputs: Value[];
  outputs: Value[];
  ops: TracedOp[];
}

function flatten(out: unknown, what: string): Tensor[] {
  if (Array.isArray(out)) return out.flatMap((o) => flatten(o, what));
  if (out !== null && typeof out === 'object' && 'storage' in out) return [out as Tensor];
  throw new ExportError(`${what}: the model's forward must return tensors or arrays of them`);
}

/** Hooks that keep `stack`'s top the scope of the module running (`Net/Sequential[features]`). */
function scopedHooks(m: Module, scope: string, stack: string[]): { remove(): void }[] {
  return [...m.namedChildren()].flatMap(([name, child]) => {
    const inner = `${scope}/${child.constructor.name}[${name}]`;
    return [
      child.registerForwardPreHook(() => {
        stack.push(inner);
      }),
      child.registerForwardHook(() => {
        stack.pop();
      }),
      ...scopedHooks(child, inner, stack),
    ];
  });
}

/** Traces `model.forward(...inputs)` in eval mode (the model's modes are restored after). */
export function trace(model: Module, example: Tensor | readonly Tensor[], what = 'trace'): Trace {
  const inputs: readonly Tensor[] = Array.isArray(example) ? example : [example as Tensor];
  for (const t of [...inputs, ...model.parameters(), ...model.buffers()]) {
    if (t.device !== 'cpu')
      throw new ExportError(
        `${what}: tensors must be on the cpu device, found one on '${t.device}'`,
      );
  }
  const names = new Map<Tensor, string>();
  for (const [n, p] of model.namedParameters()) names.set(p, n);
  for (const [n, b] of model.namedBuffers()) names.set(b, n);
  const values = new Map<Tensor, Value>();
  let next = 0;
  const make = (tensor: Tensor, kind: Value['kind']): Value => {
    const v: Value = { id: next++, tensor, kind, name: names.get(tensor) };
    values.set(tensor, v);
    return v;
  };
  const valueFor = (t: Tensor) => values.get(t) ?? make(t, 'constant');
  const graphInputs = inputs.map((x) => make(x.detach(), 'input'));
  const ops: TracedOp[] = [];
  const viewed = new Set<unknown>();
  const scopes = [model.constructor.name];
  const handles = scopedHooks(model, model.constructor.name, scopes);
  let out: unknown;
  try {
    out = model.inEvalMode(() =>
      noGrad(() =>
        observeOps(
          {
            op(op, ins, outs, attrs) {
              const inputs = ins.map(valueFor);
              // Views share their input's storage: an in-place write there later changes them too.
              for (const o of outs)
                if (ins.some((i) => i.storage === o.storage)) viewed.add(o.storage);
              const outputs = outs.map((o) => make(o, 'op'));
              ops.push({ op, inputs, outputs, attrs, scope: scopes[scopes.length - 1] });
            },
            inplace(target, result) {
              if (target.base !== null && values.get(target.base)?.kind !== 'constant')
                throw new ExportError(
                  `${what}: an in-place write into a view of a computed tensor cannot be traced; write the value out of place`,
                );
              if (viewed.has(target.storage) && values.get(target)?.kind !== 'constant')
                throw new ExportError(
                  `${what}: an in-place write into a computed tensor that has views cannot be traced (the views would keep the old value); write the value out of place`,
                );
              values.set(target, valueFor(result));
            },
          },
          () => model.forward(...graphInputs.map((v) => v.tensor)),
        ),
      ),
    );
  } finally {
    for (const h of handles) h.remove();
  }
  const outputs = flatten(out, what).map((t) => {
    const v = values.get(t);
    if (v === undefined || v.kind === 'constant')
      throw new ExportError(
        `${what}: an output of the model does not depend on its inputs through traced ops`,
      );
    return v;
  });
  return { inputs: graphInputs, outputs, ops };
}

/** Ops that give back their one input unchanged when its shape stays (matmul's expand of x). */
const PASSING = new Set<ObservedOp>(['view', 'expand', 'clone', 'toDevice']);

const passes = (op: TracedOp) =>
  PASSING.has(op.op) &&
  op.inputs.length === 1 &&
  op.inputs[0].tensor.shape.join() === op.outputs[0].tensor.shape.join();

/**
 * Folds ops whose inputs are all constants into constants (their traced outputs are the
 * values: `weight.t()` becomes a transposed weight), makes ops that pass their input through
 * unchanged read as that input, then drops ops no output depends on. Returns the ops left, in
 * order, and marks the values they read as used.
 */
export function prune(tr: Trace): TracedOp[] {
  const live: TracedOp[] = [];
  const same = new Map<Value, Value>();
  const resolve = (v: Value) => same.get(v) ?? v;
  for (const op of tr.ops) {
    op.inputs = op.inputs.map(resolve);
    if (op.inputs.every((v) => v.kind === 'constant')) {
      const source = op.inputs[0]?.name ?? op.inputs[0]?.source;
      for (const v of op.outputs) Object.assign(v, { kind: 'constant', source });
    } else if (passes(op)) same.set(op.outputs[0], op.inputs[0]);
    else live.push(op);
  }
  tr.outputs = tr.outputs.map(resolve);
  for (const v of tr.outputs) v.used = true;
  const kept: TracedOp[] = [];
  for (let i = live.length - 1; i >= 0; i--) {
    const op = live[i];
    if (!op.outputs.some((v) => v.used)) continue;
    for (const v of op.inputs) v.used = true;
    kept.push(op);
  }
  return kept.reverse();
}
