// Behaviour that needs the tensor core and autograd together: norm at zero, in-place writes through views of leaves.
import { expect, it } from 'vitest';
import '@tensile/autograd';
import * as T from '@tensile/tensor';

it('norm gives a zero gradient at the zero vector', () => {
  const z = T.zeros([3], { requiresGrad: true });
  z.norm().backward();
  expect(z.grad!.tolist()).toEqual([0, 0, 0]);
  const x = T.tensor(
    [
      [3, 4],
      [0, 0],
    ],
    { dtype: 'float32', requiresGrad: true },
  );
  x.norm(2, 1).sum().backward();
  expect(x.grad!.tolist()).toEqual([
    [0.6000000238418579, 0.800000011920929],
    [0, 0],
  ]);
  expect(x.norm(2, 1, { keepdim: true }).shape).toEqual([2, 1]);
  expect(x.norm().gradFn!.name).toBe('LinalgVectorNormBackward0');
});

it('refuses an in-place write through a view of a leaf before touching its data', () => {
  const w = T.ones([3], { requiresGrad: true });
  expect(() => w.narrow(0, 0, 1).mul_(2)).toThrow(/view of a leaf Variable/);
  expect(w.tolist()).toEqual([1, 1, 1]);
  T.noGrad(() => w.narrow(0, 0, 1).mul_(2));
  expect(w.tolist()).toEqual([2, 1, 1]);
});

it('Tensor.data reads and writes values outside autograd, as PyTorch (issue 20)', () => {
  const p = T.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
  const d = p.data;
  expect(d.requiresGrad).toBe(false);
  expect(d.gradFn).toBeNull();
  d.mul_(2); // an in-place write to a leaf that requires grad, allowed through .data
  expect(Array.from(p.dataSync())).toEqual([2, 4, 6]);
  expect(p.isLeaf && p.requiresGrad).toBe(true);
  // Assigning rebinds: same object, new values and shape, shared with the source.
  const fresh = T.zeros([2, 2]);
  p.data = fresh;
  expect(p.shape).toEqual([2, 2]);
  fresh.fill_(1);
  expect(Array.from(p.dataSync())).toEqual([1, 1, 1, 1]);
  p.sum().backward();
  expect(p.grad?.shape).toEqual([2, 2]);
  expect(() => {
    p.data = T.tensor([1], { dtype: 'int64' });
  }).toThrow(/requires grad cannot take data of dtype int64/);
  // Unlike PyTorch, a saved tensor changed through .data is caught rather than used stale.
  const x = T.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
  const y = x.mul(x);
  x.data.add_(1);
  expect(() => y.sum().backward()).toThrow(/modified by an inplace operation/);
});
