/** In-place ops under autograd: what is allowed, what is rewired, what errors (and when). */
import * as T from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { grad } from '../src/index';

const vec = (data: number[], requiresGrad = true) =>
  T.tensor(data, { dtype: 'float64', requiresGrad });
const values = (t: T.Tensor | null) => Array.from(t!.dataSync());

describe('in-place ops', () => {
  it('refuses an in-place op on a leaf that requires grad, or on a view of one', () => {
    const x = vec([1, 2]);
    expect(() => x.add_(1)).toThrow(/leaf Variable that requires grad/);
    expect(() => x.select(0, 0).mul_(2)).toThrow(/a view of a leaf Variable/);
    expect(() => x.narrow(0, 0, 1).mul_(2)).toThrow(/a view of a leaf Variable/);
  });

  it('takes over the history of the result on a non-leaf', () => {
    const x = vec([1, 2]);
    const y = x.mul(2);
    y.add_(1);
    expect(y.gradFn?.name).toBe('AddBackward0');
    y.mul_(T.tensor([2, 3], { dtype: 'float64' })); // reads only the constant, not old y
    y.sum().backward();
    expect(values(x.grad)).toEqual([4, 6]);
  });

  it('works through in-place unary ops that save their output', () => {
    const x = vec([0, 1]);
    const y = x.clone();
    y.exp_().sigmoid_().tanh_();
    y.sum().backward();
    const e = [1, Math.E].map((v) => 1 / (1 + Math.exp(-v)));
    const expected = [0, 1].map((i) => {
      const s = e[i];
      return (1 - Math.tanh(s) ** 2) * s * (1 - s) * Math.exp(i);
    });
    values(x.grad).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 12);
    });
  });

  it('detects a tensor saved for backward that was modified later (version counter)', () => {
    const x = vec([1, 2]);
    const y = x.exp();
    const z = x.mul(2).sum();
    y.add_(1);
    expect(() => y.sum().backward()).toThrow(
      /modified by an inplace operation: \[float64 \[2\]\], which is output 0 of ExpBackward0, is at version 1; expected version 0/,
    );
    const s = x.mul(1);
    const t = s.sin().sum(); // sin saves its input s
    s.select(0, 0).add_(1); // writes s through a view: same storage, same version counter
    expect(() => t.backward()).toThrow(/modified by an inplace operation/);
    z.backward(); // z's graph read nothing that changed
    expect(values(x.grad)).toEqual([2, 2]);
  });

  it('differentiates an in-place op whose backward needs the value it overwrote', () => {
    const x = vec([1, 2]);
    const y = x.mul(1);
    y.pow_(2); // pow's backward reads its input: the op computed from a copy of it
    y.sum().backward();
    expect(values(x.grad)).toEqual([2, 4]);
    const w = vec([2, 3]);
    const buffer = T.tensor([5, 7], { dtype: 'float64' });
    buffer.mul_(w); // mul's gradient for w reads the buffer's old value
    buffer.sum().backward();
    expect(values(w.grad)).toEqual([5, 7]);
  });

  it('still errors when a tensor saved by an earlier op is overwritten', () => {
    const x = vec([1, 2]);
    const y = x.mul(1);
    const z = y.pow(2); // saves y
    y.add_(1);
    expect(() => z.sum().backward()).toThrow(/modified by an inplace operation/);
  });

  it('writing a constant cuts the gradient of what was overwritten', () => {
    const x = vec([1, 2]);
    const y = x.mul(3);
    y.zero_();
    expect(y.requiresGrad).toBe(true);
    y.add(x).sum().backward();
    expect(values(x.grad)).toEqual([1, 1]);
  });

  it('writes through a view rewire the base (CopySlices)', () => {
    const x = vec([1, 2, 3]);
    const y = x.mul(1);
    y.select(0, 1).mul_(10);
    expect(y.gradFn?.name).toBe('CopySlices');
    expect(values(y)).toEqual([1, 20, 3]);
    y.mul(y).sum().backward();
    expect(values(x.grad)).toEqual([2, 400, 6]);
  });

  it('fills a constant buffer from differentiable values (buf[i].copy_(x))', () => {
    const a = vec([2]);
    const b = vec([5]);
    const buf = T.zeros([3], { dtype: 'float64' });
    const rows = buf.unbind(0);
    rows[0].copy_(a.mul(a).squeeze());
    rows[2].copy_(b.mul(3).squeeze());
    expect(buf.requiresGrad).toBe(true);
    expect(values(buf)).toEqual([4, 0, 15]);
    const [ga, gb] = grad(buf.mul(T.tensor([1, 1, 2], { dtype: 'float64' })).sum(), [a, b]);
    expect(values(ga)).toEqual([4]);
    expect(values(gb)).toEqual([6]);
  });

  it('copy_ from a leaf, broadcasting, keeps the leaf in the graph', () => {
    const x = vec([1, 2]);
    const buf = T.zeros([3, 2], { dtype: 'float64' });
    buf.copy_(x);
    buf.sum().backward();
    expect(values(x.grad)).toEqual([3, 3]);
  });

  it('a detached view of a parameter can be written in place without touching its history', () => {
    const w = vec([1, 2]);
    w.detach().zero_();
    expect(values(w)).toEqual([0, 0]);
    expect(w.isLeaf).toBe(true);
    w.add(1).sum().backward();
    expect(values(w.grad)).toEqual([1, 1]);
  });

  it('under noGrad, in-place ops on leaves are invisible to autograd', () => {
    const w = vec([1, 2]);
    const src = vec([5, 6]);
    T.noGrad(() => w.copy_(src));
    expect(w.isLeaf).toBe(true);
    expect(values(w)).toEqual([5, 6]);
  });
});
