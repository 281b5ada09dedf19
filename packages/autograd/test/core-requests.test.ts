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
