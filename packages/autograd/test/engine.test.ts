/** The engine at scale: deep graphs, memory over many steps, and the end-to-end examples. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as T from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import {
  Function as AutogradFunction,
  autogradGraph,
  type FunctionCtx,
  grad,
  makeDot,
  noGrad,
} from '../src/index';

/** global.gc without --expose-gc on the command line (vitest starts the workers). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('engine', () => {
  it('backpropagates through a 100,000-node chain (no recursion)', () => {
    const x = T.tensor([1], { dtype: 'float64', requiresGrad: true });
    const c = 1 + 1e-6;
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.mul(c);
    y.sum().backward();
    expect(x.grad!.item()).toBeCloseTo(c ** 100_000, 9);
  }, 120_000); // about 3 s on a quiet machine; several times that on a busy one

  it('frees graphs: 10,000 training steps do not grow the heap', () => {
    const gc = collector();
    const gen = new T.Generator(1);
    const w = T.randn([4, 4], { generator: gen, requiresGrad: true });
    const x = T.randn([8, 4], { generator: gen });
    const step = () => {
      const loss = x.mm(w).tanh().square().mean();
      loss.backward();
      noGrad(() => {
        w.sub_(w.grad!.mul(0.01));
        w.grad!.zero_();
      });
    };
    for (let i = 0; i < 1000; i++) step();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 10_000; i++) step();
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(2 * 1024 * 1024);
  }, 120_000);

  it('sums a gradient of many terms in place, leaving every term and passed-on sum intact', () => {
    // z's gradient is a sum of three terms; add's backward hands that one tensor to a (its
    // first term) and to b = 5a, whose backward then adds a second term to a: the sum handed
    // on must not be added to in place (z's hook keeps it).
    const x = T.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const a = x.mul(2);
    const z = a.add(a.mul(5));
    const seen: T.Tensor[] = [];
    z.registerHook((g) => {
      seen.push(g);
    });
    z.add(z).add(z).sum().backward();
    // dz = 3; da = 3 + 5 * 3; dx = 2 da.
    expect(Array.from(x.grad!.dataSync())).toEqual([36, 36]);
    expect(Array.from(seen[0].dataSync())).toEqual([3, 3]);
    // A weight used at 50 steps: one gradient, the sum of all 50 products.
    const w = T.ones([3, 4], { requiresGrad: true });
    const hs = Array.from({ length: 50 }, (_, i) => T.full([2, 3], i + 1, { dtype: 'float32' }));
    hs.reduce((acc, h) => acc.add(h.mm(w).sum()), T.tensor(0)).backward();
    expect(Array.from(w.grad!.dataSync())).toEqual(Array(12).fill(2 * 1275));
  });

  it('a leaf takes its first gradient without a copy only where nothing else holds it', () => {
    const opts = { dtype: 'float64' as const, requiresGrad: true };
    // add's backward hands one tensor to both leaves: they must not share it.
    const [a, b] = [T.tensor([1, 2], opts), T.tensor([3, 4], opts)];
    a.add(b).mul(2).sum().backward();
    a.grad!.add_(10);
    expect(Array.from(b.grad!.dataSync())).toEqual([2, 2]);
    // A hook saw the gradient and kept it.
    const c = T.tensor([1, 2], opts);
    let seen: T.Tensor | null = null;
    c.registerHook((g) => {
      seen = g;
    });
    c.mul(3).sum().backward();
    c.grad!.zero_();
    expect(Array.from(seen!.dataSync())).toEqual([3, 3]);
    // A custom Function's backward returned a tensor it also kept.
    const kept: T.Tensor[] = [];
    class Keep extends AutogradFunction {
      static override forward(_ctx: FunctionCtx, x: T.Tensor) {
        return x.mul(1);
      }
      static override backward(_ctx: FunctionCtx, g: T.Tensor) {
        const out = g.mul(2);
        kept.push(out);
        return out;
      }
    }
    const d = T.tensor([1, 2], opts);
    (Keep.apply(d) as T.Tensor).sum().backward();
    d.grad!.zero_();
    expect(Array.from(kept[0].dataSync())).toEqual([2, 2]);
    // The gradient given to backward() is the caller's.
    const e = T.tensor([1, 2], opts);
    const root = T.tensor([5, 6], { dtype: 'float64' });
    e.backward(root);
    e.grad!.zero_();
    expect(Array.from(root.dataSync())).toEqual([5, 6]);
    // Taken or copied, later backward passes add into it.
    const f = T.tensor([1, 2], opts);
    f.mul(2).sum().backward();
    f.mul(2).sum().backward();
    expect(Array.from(f.grad!.dataSync())).toEqual([4, 4]);
  });

  it('a graph is garbage once its output is dropped', async () => {
    const gc = collector();
    const x = T.tensor([1.5, 2], { requiresGrad: true });
    let node: WeakRef<object>;
    (() => {
      const y = x.exp().sum();
      node = new WeakRef(y.gradFn!);
      y.backward();
    })();
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(node!.deref()).toBeUndefined();
  });
});

describe('examples', () => {
  it('d/dx of x^2 * exp(x) is 2x e^x + x^2 e^x (3x3)', () => {
    const x = T.tensor(
      [
        [-1.5, -0.5, 0],
        [0.25, 1, 1.5],
        [2, -2, 0.75],
      ],
      { requiresGrad: true },
    );
    x.pow(2).mul(x.exp()).sum().backward();
    const v = x.detach();
    const expected = v.mul(2).mul(v.exp()).add(v.pow(2).mul(v.exp()));
    expect(x.grad!.allclose(expected, { rtol: 1e-6, atol: 1e-6 })).toBe(true);
  });

  it('linear regression by manual SGD recovers w ~ 3, b ~ 2', () => {
    const gen = new T.Generator(42);
    const x = T.randn([100, 1], { generator: gen });
    const y = x
      .mul(3)
      .add(2)
      .add(T.randn([100, 1], { generator: gen }).mul(0.1));
    const w = T.zeros([1], { requiresGrad: true });
    const b = T.zeros([1], { requiresGrad: true });
    for (let i = 0; i < 100; i++) {
      const loss = x.mul(w).add(b).sub(y).square().mean();
      loss.backward();
      noGrad(() => {
        w.sub_(w.grad!.mul(0.1));
        b.sub_(b.grad!.mul(0.1));
        w.grad!.zero_();
        b.grad!.zero_();
      });
    }
    expect(w.item()).toBeCloseTo(3, 1);
    expect(b.item()).toBeCloseTo(2, 1);
  });

  it('Hessian-vector product through double backward', () => {
    // f(x) = sum(x^3): H = diag(6x), so Hv = 6 x * v.
    const x = T.tensor([1, -2, 0.5], { dtype: 'float64', requiresGrad: true });
    const v = T.tensor([1, 1, 2], { dtype: 'float64' });
    const [g] = grad(x.pow(3).sum(), x, { createGraph: true });
    const [hv] = grad(g!.mul(v).sum(), x);
    expect(Array.from(hv!.dataSync())).toEqual([6, -12, 6]);
  });
});

describe('autogradGraph', () => {
  it("is makeDot's graph as a board's Graph tab reads it: named leaves, functions, edges", () => {
    const weight = T.ones([3, 2], { requiresGrad: true });
    const bias = T.zeros([2], { requiresGrad: true });
    const loss = T.ones([4, 3]).mm(weight).add(bias).relu().sum();
    const { nodes } = autogradGraph(loss, { params: { weight, bias } });
    const byOp = (op: string) => nodes.filter((n) => n.op === op);
    expect(byOp('Output')).toHaveLength(1);
    expect(
      byOp('Parameter')
        .map((n) => n.name.split('/')[0])
        .sort(),
    ).toEqual(['bias', 'weight']);
    expect(byOp('Parameter').find((n) => n.name.startsWith('weight'))?.outputShape).toEqual([3, 2]);
    const [add] = byOp('AddBackward0');
    expect(add.inputs.map((i) => i.split('/')[0]).sort()).toEqual([
      'AccumulateGrad',
      'MmBackward0',
    ]);
    expect(byOp('Output')[0].inputs[0]).toMatch(/^SumBackward0\//);
    // Every edge names a node of the graph; 8 edges as in makeDot's DOT.
    const names = new Set(nodes.map((n) => n.name));
    const edges = nodes.flatMap((n) => n.inputs);
    expect(edges.every((e) => names.has(e))).toBe(true);
    expect(edges).toHaveLength(8);
  });
});

describe('makeDot', () => {
  it('exports the backward graph as DOT with parameter names', () => {
    const weight = T.ones([3, 2], { requiresGrad: true });
    const bias = T.zeros([2], { requiresGrad: true });
    const input = T.ones([4, 3]);
    const loss = input.mm(weight).add(bias).relu().sum();
    const dot = makeDot(loss, { params: { weight, bias } });
    expect(dot.startsWith('digraph {')).toBe(true);
    expect(dot.trim().endsWith('}')).toBe(true);
    for (const name of [
      'SumBackward0',
      'ReluBackward0',
      'AddBackward0',
      'MmBackward0',
      'AccumulateGrad',
    ]) {
      expect(dot).toContain(`[label="${name}"]`);
    }
    expect(dot).toContain('label="weight\\n (3, 2)" fillcolor=lightblue');
    expect(dot).toContain('label="bias\\n (2)" fillcolor=lightblue');
    expect(dot).toContain('label="\\n ()" fillcolor=darkolivegreen1');
    // Edges point from inputs towards their consumers: 5 between nodes, 2 from the leaves to
    // their AccumulateGrad, 1 from SumBackward0 to the output.
    const edges = dot.split('\n').filter((l) => l.includes('->'));
    expect(edges.length).toBe(8);
  });

  it('accepts a Map of names and several outputs', () => {
    const w = T.ones([2], { requiresGrad: true });
    const a = w.mul(2);
    const dot = makeDot([a, a.exp()], { params: new Map([['w', w]]) });
    expect(dot.match(/darkolivegreen1/g)?.length).toBe(2);
    expect(dot).toContain('label="w\\n (2)"');
  });
});
