/** Custom autograd functions (autograd.Function subclasses with a static forward/backward). */
import * as T from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import * as autograd from '../src/index';
import { type FunctionCtx, grad, gradcheck, gradgradcheck, noGrad } from '../src/index';

const vec = (data: number[], requiresGrad = true) =>
  T.tensor(data, { dtype: 'float64', requiresGrad });
const values = (t: T.Tensor | null | undefined) => Array.from(t!.dataSync());

class Cube extends autograd.Function {
  static override forward(ctx: FunctionCtx, x: T.Tensor): T.Tensor {
    ctx.saveForBackward(x);
    return x.pow(3);
  }
  static override backward(ctx: FunctionCtx, g: T.Tensor): T.Tensor {
    const [x] = ctx.savedTensors;
    return g.mul(x!.square()).mul(3);
  }
}

/** x * scale with a non-tensor argument kept on ctx. */
class Scale extends autograd.Function {
  static override forward(ctx: FunctionCtx, x: T.Tensor, scale: number): T.Tensor {
    ctx.scale = scale;
    return x.mul(scale);
  }
  static override backward(ctx: FunctionCtx, g: T.Tensor): [T.Tensor, null] {
    return [g.mul(ctx.scale as number), null];
  }
}

/** Sorted values and their (non-differentiable) indices. */
class SortWithIndices extends autograd.Function {
  static override forward(ctx: FunctionCtx, x: T.Tensor): T.Tensor[] {
    const { values: v, indices } = x.sort();
    ctx.markNonDifferentiable(indices);
    ctx.indices = indices;
    ctx.n = x.shape[0];
    return [v, indices];
  }
  static override backward(ctx: FunctionCtx, g: T.Tensor): T.Tensor {
    return T.zeros([ctx.n as number], { dtype: g.dtype }).scatter(0, ctx.indices as T.Tensor, g);
  }
}

describe('Function', () => {
  it('runs forward, records one node, and calls backward', () => {
    const x = vec([1, 2]);
    const y = Cube.apply(x);
    expect(y.gradFn?.name).toBe('CubeBackward');
    expect(values(y)).toEqual([1, 8]);
    y.sum().backward();
    expect(values(x.grad)).toEqual([3, 12]);
  });

  it('passes gradcheck, and gradgradcheck since backward uses tensor ops', () => {
    expect(gradcheck((x) => Cube.apply(x), [vec([0.5, -1.5, 2])])).toBe(true);
    expect(gradgradcheck((x) => Cube.apply(x), [vec([0.5, -1.5, 2])])).toBe(true);
  });

  it('keeps non-tensor arguments on ctx and takes null gradients for them', () => {
    const x = vec([1, 2]);
    Scale.apply(x, 4).sum().backward();
    expect(values(x.grad)).toEqual([4, 4]);
  });

  it('needsInputGrad tells which inputs need a gradient', () => {
    let seen: readonly boolean[] = [];
    class Probe extends autograd.Function {
      static override forward(ctx: FunctionCtx, a: T.Tensor, b: T.Tensor): T.Tensor {
        seen = ctx.needsInputGrad;
        return a.add(b);
      }
      static override backward(ctx: FunctionCtx, g: T.Tensor): (T.Tensor | null)[] {
        return ctx.needsInputGrad.map((need) => (need ? g : null));
      }
    }
    const a = vec([1]);
    Probe.apply(a, vec([2], false))
      .sum()
      .backward();
    expect(seen).toEqual([true, false]);
    expect(values(a.grad)).toEqual([1]);
  });

  it('marks outputs non-differentiable', () => {
    const x = vec([3, 1, 2]);
    const [v, idx] = SortWithIndices.apply(x);
    expect(idx.requiresGrad).toBe(false);
    expect(v.requiresGrad).toBe(true);
    v.mul(T.tensor([1, 10, 100], { dtype: 'float64' }))
      .sum()
      .backward();
    expect(values(x.grad)).toEqual([100, 1, 10]);
  });

  it('does not record under noGrad or when no input requires grad', () => {
    expect(noGrad(() => Cube.apply(vec([1]))).requiresGrad).toBe(false);
    expect(Cube.apply(vec([1], false)).requiresGrad).toBe(false);
  });

  it('checks the number of gradients backward returns', () => {
    class Bad extends autograd.Function {
      static override forward(_ctx: FunctionCtx, x: T.Tensor, y: T.Tensor): T.Tensor {
        return x.add(y);
      }
      static override backward(_ctx: FunctionCtx, g: T.Tensor): T.Tensor {
        return g;
      }
    }
    expect(() =>
      Bad.apply(vec([1]), vec([2]))
        .sum()
        .backward(),
    ).toThrow(/BadBackward returned an incorrect number of gradients \(expected 2, got 1\)/);
  });

  it('detects saved tensors modified in place and frees them after backward', () => {
    const x = vec([1, 2]);
    const h = x.mul(1);
    const y = Cube.apply(h);
    h.add_(1);
    expect(() => y.sum().backward()).toThrow(/saved tensor 0 of CubeBackward/);
    const z = Cube.apply(x.mul(1)).sum();
    z.backward();
    expect(() => z.backward()).toThrow(/second time/);
  });

  it('an input returned as is still gets a new node', () => {
    class Identity extends autograd.Function {
      static override forward(_ctx: FunctionCtx, x: T.Tensor): T.Tensor {
        return x;
      }
      static override backward(_ctx: FunctionCtx, g: T.Tensor): T.Tensor {
        return g.mul(2);
      }
    }
    const x = vec([1]);
    const y = Identity.apply(x);
    expect(y).not.toBe(x);
    expect(x.isLeaf).toBe(true);
    const [g] = grad(y.sum(), x);
    expect(values(g)).toEqual([2]);
  });
});
