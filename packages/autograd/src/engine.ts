/**
 * The backward pass: a topological walk (iterative, so graph depth is unbounded) of the nodes
 * reachable from the roots, passing each node the summed gradients of its outputs.
 */
import {
  type AutogradHooks,
  type BackwardOptions,
  enableGrad,
  isComplex,
  noGrad,
  onesLike,
  type RemovableHandle,
  type Tensor,
  type TensorHook,
  watchStorages,
  zeros,
} from '@tensile/tensor';
import { AutogradError } from './errors';
import { expandable, gradAs, sumTo } from './grads/util';
import { rebaseInplace, record } from './history';
import { accumulateGrad, type Edge, edgeOf, isAccumulator, type Node } from './node';
import { PassGradients } from './pass';

/** A tensor whose gradient is collected instead of (or before) being accumulated. */
interface Target {
  readonly tensor: Tensor;
  grad: Tensor | null;
}

interface RunOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** null: a plain backward(), every leaf accumulates. Otherwise only these are computed. */
  targets: Map<Node, Map<number, Target>> | null;
}

/** Kahn's algorithm over the nodes reachable from `roots`: each node after all that feed it. */
function topologicalOrder(roots: readonly Node[]): Node[] {
  const pending = new Map<Node, number>();
  const work = [...new Set(roots)];
  for (const n of work) pending.set(n, 0);
  for (let i = 0; i < work.length; i++) {
    for (const e of work[i].next) {
      if (e === null) continue;
      const count = pending.get(e.node);
      if (count === undefined) work.push(e.node);
      pending.set(e.node, (count ?? 0) + 1);
    }
  }
  const ready = work.filter((n) => pending.get(n) === 0);
  const order: Node[] = [];
  while (ready.length > 0) {
    const n = ready.pop()!;
    order.push(n);
    for (const e of n.next) {
      if (e === null) continue;
      const left = pending.get(e.node)! - 1;
      pending.set(e.node, left);
      if (left === 0) ready.push(e.node);
    }
  }
  return order;
}

/** Nodes from which some target is reachable: the only ones worth running for autograd.grad. */
function usefulNodes(order: readonly Node[], targets: Map<Node, unknown>): Set<Node> {
  const useful = new Set<Node>();
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i];
    if (targets.has(n) || n.next.some((e) => e !== null && useful.has(e.node))) useful.add(n);
  }
  return useful;
}

/** Adds `g` to the gradient collected for edge's slot (in place where `pass` allows). */
function addGrad(
  buffers: Map<Node, (Tensor | null)[]>,
  edge: Edge,
  g: Tensor,
  pass: PassGradients,
): void {
  let buf = buffers.get(edge.node);
  if (buf === undefined) {
    buf = edge.node.outputs.map(() => null);
    buffers.set(edge.node, buf);
  }
  const prev = buf[edge.slot];
  const next = pass.deliver(g);
  buf[edge.slot] = prev === null ? next : pass.sum(prev, next);
}

/** Tensor hooks (each may replace the gradient), then retainGrad, for each output slot. */
function runHooks(node: Node, buf: (Tensor | null)[], pass: PassGradients): void {
  buf.forEach((g, slot) => {
    if (g === null) return;
    // What a hook sees or returns is user code's to keep: never taken as a leaf's .grad.
    const hooks = node.hooks?.get(slot);
    if (hooks?.size) pass.expose(g);
    for (const hook of hooks?.values() ?? []) {
      const replaced = hook(g);
      if (replaced) {
        g = replaced;
        pass.expose(g);
      }
    }
    buf[slot] = g;
    const kept = node.retained?.get(slot);
    if (kept) kept.grad = kept.grad === null ? g.clone() : kept.grad.add(g);
  });
}

/** Makes a node's gradient for input i fit that input: broadcast dims summed, dtype cast. */
function fit(node: Node, i: number, g: Tensor): Tensor {
  const meta = node.inputs[i]!;
  let out = g;
  if (!expandable(meta.shape, g.shape)) {
    throw new AutogradError(
      `Function ${node.name} returned an invalid gradient at index ${i} - got [${g.shape.join(', ')}] but expected shape compatible with [${meta.shape.join(', ')}]`,
    );
  }
  if (g.shape.length !== meta.shape.length || g.shape.some((s, d) => s !== meta.shape[d])) {
    out = sumTo(out, meta.shape);
  }
  out = gradAs(out, meta.dtype);
  return out.device === meta.device ? out : out.to(meta.device);
}

function execute(roots: readonly Edge[], rootGrads: readonly Tensor[], opts: RunOptions): void {
  const pass = new PassGradients(!opts.createGraph);
  watchStorages(pass.fresh, () => run(roots, rootGrads, opts, pass));
}

function run(
  roots: readonly Edge[],
  rootGrads: readonly Tensor[],
  opts: RunOptions,
  pass: PassGradients,
): void {
  const order = topologicalOrder(roots.map((e) => e.node));
  const useful = opts.targets === null ? null : usefulNodes(order, opts.targets);
  const buffers = new Map<Node, (Tensor | null)[]>();
  roots.forEach((e, i) => {
    addGrad(buffers, e, rootGrads[i], pass);
  });
  for (const node of order) {
    const buf = buffers.get(node);
    if (buf === undefined) continue;
    buffers.delete(node);
    pass.handOver(buf);
    runHooks(node, buf, pass);
    for (const [slot, target] of opts.targets?.get(node) ?? []) target.grad = buf[slot];
    const wanted = node.next.map((e) => e !== null && (useful === null || useful.has(e.node)));
    // With targets, a node runs only if it feeds one (so leaves' sinks never run: the
    // gradients are collected instead); a plain backward() runs everything it reaches.
    if (useful !== null && !wanted.includes(true)) continue;
    const grads = buf.map((g, k) => {
      const meta = node.outputs[k];
      return g ?? zeros(meta.shape, { dtype: meta.dtype, device: meta.device });
    });
    if (isAccumulator(node)) {
      accumulateGrad(node.variable, grads[0], pass.take(node.variable, grads[0]));
      continue;
    }
    const out = node.apply(
      grads,
      wanted,
      buf.map((g) => g !== null),
    );
    if (!opts.retainGraph) node.release();
    node.next.forEach((e, i) => {
      const g = out[i];
      if (e !== null && wanted[i] && g) {
        if (node.userCode) pass.expose(g);
        addGrad(buffers, e, fit(node, i, g), pass);
      }
    });
  }
}

/** Where gradients for `t` arrive, as a target map entry (grad() and backward({ inputs })). */
function targetsFor(tensors: readonly Tensor[]): [Map<Node, Map<number, Target>>, Target[]] {
  const map = new Map<Node, Map<number, Target>>();
  const list = tensors.map((t) => {
    const e = edgeOf(t);
    if (e === null)
      throw new AutogradError('One of the differentiated Tensors does not require grad');
    let slots = map.get(e.node);
    if (slots === undefined) {
      slots = new Map();
      map.set(e.node, slots);
    }
    const existing = slots.get(e.slot);
    if (existing) return existing;
    const target: Target = { tensor: t, grad: null };
    slots.set(e.slot, target);
    return target;
  });
  return [map, list];
}

/** Root edges and their gradients; a missing gradient is 1 for a one-element output. */
function roots(
  outputs: readonly Tensor[],
  gradOutputs: readonly (Tensor | null | undefined)[],
): [Edge[], Tensor[]] {
  const edges = outputs.map((t, i) => {
    const e = edgeOf(t);
    if (e === null) {
      throw new AutogradError(
        `element ${i} of tensors does not require grad and does not have a grad_fn`,
      );
    }
    return e;
  });
  const grads = outputs.map((t, i) => {
    const g = gradOutputs[i];
    if (g === null || g === undefined) {
      if (t.numel() !== 1)
        throw new AutogradError('grad can be implicitly created only for scalar outputs');
      if (isComplex(t.dtype))
        throw new AutogradError('grad can be implicitly created only for real scalar outputs');
      return onesLike(t);
    }
    if (g.shape.length !== t.shape.length || g.shape.some((s, d) => s !== t.shape[d])) {
      throw new AutogradError(
        `Mismatch in shape: grad_output[${i}] has a shape of [${g.shape.join(', ')}] and output[${i}] has a shape of [${t.shape.join(', ')}].`,
      );
    }
    if (isComplex(g.dtype) !== isComplex(t.dtype))
      throw new AutogradError(
        `For complex Tensors, both grad_output and output are required to have the same dtype. Mismatch in dtype: grad_output[${i}] has a dtype of ${g.dtype} and output[${i}] has a dtype of ${t.dtype}.`,
      );
    return g.dtype === t.dtype ? g : g.to(t.dtype);
  });
  return [edges, grads];
}

const asList = (t: Tensor | readonly Tensor[]): readonly Tensor[] =>
  Array.isArray(t) ? t : [t as Tensor];

/** Runs the pass with grad mode on exactly when the gradients themselves are to be recorded. */
const withGraph = <T>(createGraph: boolean, fn: () => T): T =>
  createGraph ? enableGrad(fn) : noGrad(fn);

export interface BackwardAllOptions {
  /** Keep saved tensors so the graph can be backpropagated again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass, making the gradients differentiable (higher-order derivatives). */
  createGraph?: boolean;
  /** Accumulate only into these tensors' .grad (leaves or not) instead of every leaf. */
  inputs?: readonly Tensor[];
}

/**
 * torch.autograd.backward: accumulates d(sum of outputs * gradTensors)/d(leaf) into each leaf's
 * .grad. A missing gradient is 1 for a one-element output.
 */
export function backward(
  tensors: Tensor | readonly Tensor[],
  gradTensors: Tensor | readonly (Tensor | null | undefined)[] = [],
  opts: BackwardAllOptions = {},
): void {
  const outputs = asList(tensors);
  const [edges, grads] = roots(
    outputs,
    Array.isArray(gradTensors) ? gradTensors : [gradTensors as Tensor],
  );
  const createGraph = opts.createGraph ?? false;
  const [targets, list] = opts.inputs ? targetsFor(opts.inputs) : [null, []];
  withGraph(createGraph, () => {
    execute(edges, grads, { retainGraph: opts.retainGraph ?? createGraph, createGraph, targets });
    for (const t of list) if (t.grad !== null) accumulateGrad(t.tensor, t.grad);
  });
}

export interface GradOptions {
  /** The gradient of each output (the vector of the vector-Jacobian product); 1 for scalars. */
  gradOutputs?: Tensor | readonly (Tensor | null | undefined)[];
  retainGraph?: boolean;
  createGraph?: boolean;
  /** Return null for an input the outputs do not depend on instead of throwing. */
  allowUnused?: boolean;
}

/**
 * torch.autograd.grad: the gradients of `outputs` with respect to `inputs`, returned (one per
 * input) instead of accumulated into .grad. Only the part of the graph leading to `inputs` runs.
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  opts: GradOptions = {},
): (Tensor | null)[] {
  const gradOutputs = opts.gradOutputs ?? [];
  const [edges, grads] = roots(
    asList(outputs),
    Array.isArray(gradOutputs) ? gradOutputs : [gradOutputs as Tensor],
  );
  const [targets, list] = targetsFor(asList(inputs));
  const createGraph = opts.createGraph ?? false;
  withGraph(createGraph, () =>
    execute(edges, grads, { retainGraph: opts.retainGraph ?? createGraph, createGraph, targets }),
  );
  return list.map((t) => {
    if (t.grad === null && !opts.allowUnused) {
      throw new AutogradError(
        'One of the differentiated Tensors appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.',
      );
    }
    return t.grad;
  });
}

let hookId = 0;

function registerHook(tensor: Tensor, hook: TensorHook): RemovableHandle {
  const { node, slot } = edgeOf(tensor)!;
  node.hooks ??= new Map();
  let hooks = node.hooks.get(slot);
  if (hooks === undefined) {
    hooks = new Map();
    node.hooks.set(slot, hooks);
  }
  const id = hookId++;
  hooks.set(id, hook);
  return { remove: () => hooks.delete(id) };
}

function retainGrad(tensor: Tensor): void {
  if (!tensor.requiresGrad) {
    throw new AutogradError("can't retain_grad on Tensor that has requires_grad=False");
  }
  if (tensor.isLeaf) return; // leaves keep .grad anyway
  const { node, slot } = edgeOf(tensor)!;
  node.retained ??= new Map();
  node.retained.set(slot, tensor);
}

/** What the tensor package calls (registered by index.ts). */
export const engine: AutogradHooks = {
  record,
  rebaseInplace,
  backward: (tensor: Tensor, gradient: Tensor | undefined, options: BackwardOptions) =>
    backward([tensor], [gradient], options),
  registerHook,
  retainGrad,
};
