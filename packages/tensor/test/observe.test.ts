/** observeOps: what an exporter's trace sees of a forward pass. */
import { describe, expect, it } from 'vitest';
import * as T from '../src/index';

function record(fn: () => unknown) {
  const ops: string[] = [];
  const writes: [T.Tensor, T.Tensor][] = [];
  T.observeOps(
    {
      op: (op, inputs, outputs) => ops.push(`${op}/${inputs.length}->${outputs.length}`),
      inplace: (target, result) => writes.push([target, result]),
    },
    fn,
  );
  return { ops, writes };
}

describe('observeOps', () => {
  it('sees each op once, not the ops it is made of, with or without grad mode', () => {
    const x = T.randn([2, 3]);
    // softmax runs max, sub, exp, sum and div inside; mean runs sum and div.
    expect(record(() => x.softmax(1).mean()).ops).toEqual(['softmax/1->1', 'mean/1->1']);
    expect(record(() => T.noGrad(() => x.add(1).relu())).ops).toEqual(['add/2->1', 'relu/1->1']);
  });

  it('sees composites and non-differentiable ops as one op each', () => {
    const x = T.randn([1, 1, 4, 4]);
    expect(record(() => T.maxPool(x, [2, 2])).ops).toEqual(['maxPool2d/1->2']);
    expect(record(() => x.argmax(3)).ops).toEqual(['argmax/1->1']);
    expect(record(() => T.sort(x, 3)).ops).toEqual(['sort/1->2']);
  });

  it('sees in-place writes, also where a fast path would write without an op', () => {
    const x = T.randn([3]);
    const { ops, writes } = record(() => x.add_(T.ones([3])));
    expect(ops).toEqual(['add/2->1']);
    expect(writes).toHaveLength(1);
    expect(writes[0][0]).toBe(x);
  });

  it('allows one observer at a time and none after it returns', () => {
    const obs = { op: () => {}, inplace: () => {} };
    expect(() => T.observeOps(obs, () => T.observeOps(obs, () => 0))).toThrow(/already active/);
    expect(T.observeOps(obs, () => 7)).toBe(7);
    expect(record(() => 0).ops).toEqual([]);
  });
});
