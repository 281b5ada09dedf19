import '@tensile/autograd';
import { isGradEnabled, noGrad, type Tensor, tensor, ValueError } from '@tensile/tensor';
import { describe, expect, test } from 'vitest';
import { Adagrad, Adam, LBFGS, RMSprop, SGD } from '../src';

function leaf(data: number[]): Tensor {
  return tensor(data, { dtype: 'float32', requiresGrad: true });
}

/** One backward of sum(w^2 * k) so every parameter has a gradient of 2kw. */
function backward(params: Tensor[], k = 1): void {
  params
    .map((p) => p.pow(2).mul(k).sum())
    .reduce((a, b) => a.add(b))
    .backward();
}

describe('Optimizer construction and parameter groups', () => {
  test('groups take the constructor options as defaults and keep their own', () => {
    const w = leaf([1, 2]);
    const b = leaf([3]);
    const opt = new SGD([{ params: [w] }, { params: b, lr: 0.01, nesterov: true }], {
      lr: 0.1,
      momentum: 0.9,
    });
    expect(opt.paramGroups.map(({ params, ...o }) => [params, o])).toEqual([
      [
        [w],
        { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
      ],
      [
        [b],
        { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true, maximize: false },
      ],
    ]);
    expect(opt.defaults.lr).toBe(0.1);
  });

  test('addParamGroup adds a group and rejects a parameter that is already in one', () => {
    const w = leaf([1]);
    const b = leaf([2]);
    const opt = new Adam([w], { lr: 0.1 });
    opt.addParamGroup({ params: [b], lr: 0.5, betas: [0.5, 0.9] });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.5, betas: [0.5, 0.9], eps: 1e-8 });
    expect(() => opt.addParamGroup({ params: [w] })).toThrow(
      'some parameters appear in more than one parameter group',
    );
    expect(() => opt.addParamGroup({ params: [leaf([3]), b] })).toThrow(ValueError);
    expect(opt.paramGroups).toHaveLength(2);
  });

  test('rejects bad parameter lists with PyTorch messages', () => {
    const w = leaf([1]);
    expect(() => new SGD([], { lr: 1 })).toThrow('optimizer got an empty parameter list');
    expect(() => new SGD(w as unknown as Tensor[], { lr: 1 })).toThrow(
      'params argument given to the optimizer should be an iterable of Tensors or dicts',
    );
    expect(() => new SGD([w.mul(2)], { lr: 1 })).toThrow("can't optimize a non-leaf Tensor");
    expect(() => new SGD([3 as unknown as Tensor], { lr: 1 })).toThrow(
      'optimizer can only optimize Tensors, but one of the params is number',
    );
    expect(() => new SGD([w, w], { lr: 1 })).toThrow(/duplicate parameters/);
    expect(() => new SGD([w])).toThrow(
      "parameter group didn't specify a value of required optimization parameter lr",
    );
    expect(new SGD([{ params: [w], lr: 0.3 }]).paramGroups[0].lr).toBe(0.3);
  });

  test('validates options with PyTorch messages', () => {
    const w = [leaf([1])];
    expect(() => new SGD(w, { lr: -1 })).toThrow('SGD: Invalid learning rate: -1');
    expect(() => new SGD(w, { lr: 1, momentum: -0.5 })).toThrow('Invalid momentum value: -0.5');
    expect(() => new SGD(w, { lr: 1, nesterov: true })).toThrow(
      'Nesterov momentum requires a momentum and zero dampening',
    );
    expect(() => new Adam(w, { betas: [1, 0.9] })).toThrow('Invalid beta parameter at index 0: 1');
    expect(() => new Adam(w, { eps: -1 })).toThrow('Adam: Invalid epsilon value: -1');
    expect(() => new RMSprop(w, { alpha: -1 })).toThrow('Invalid alpha value: -1');
    expect(() => new Adagrad(w, { lrDecay: -1 })).toThrow('Invalid lr_decay value: -1');
  });
});

describe('zeroGrad', () => {
  test('drops the gradients by default and zeroes them with setToNone: false', () => {
    const w = leaf([1, 2]);
    const opt = new SGD([w], { lr: 0.1 });
    backward([w]);
    const grad = w.grad!;
    opt.zeroGrad({ setToNone: false });
    expect(w.grad).toBe(grad);
    expect([...w.grad!.dataSync()]).toEqual([0, 0]);
    opt.zeroGrad();
    expect(w.grad).toBeNull();
  });
});

describe('step', () => {
  test('updates the parameters in place: the same tensor and storage', () => {
    const w = leaf([1, -2]);
    const storage = w.storage;
    const opt = new SGD([w], { lr: 0.25 });
    backward([w]);
    opt.step();
    expect(w.storage).toBe(storage);
    expect([...w.dataSync()]).toEqual([0.5, -1]);
    expect(w.requiresGrad).toBe(true);
    expect(w.isLeaf).toBe(true);
  });

  test('skips parameters without a gradient and creates no state for them', () => {
    const w = leaf([1]);
    const frozen = leaf([5]);
    const opt = new Adam([w, frozen], { lr: 0.1 });
    backward([w]);
    opt.step();
    expect(frozen.item()).toBe(5);
    expect(opt.state.has(frozen)).toBe(false);
    expect(opt.state.get(w)!.step.item()).toBe(1);
  });

  test('runs the closure with grad enabled, the update without, and returns the loss', () => {
    const w = leaf([3]);
    const opt = new SGD([w], { lr: 0.5 });
    let sawGrad: boolean | undefined;
    const loss = noGrad(() =>
      opt.step(() => {
        sawGrad = isGradEnabled();
        opt.zeroGrad();
        const l = w.pow(2).sum();
        l.backward();
        return l;
      }),
    );
    expect(sawGrad).toBe(true);
    expect(loss!.item()).toBe(9);
    expect(w.item()).toBe(0);
    expect(opt.step()).toBeUndefined();
  });
});

describe('stateDict / loadStateDict', () => {
  function trained() {
    const w = leaf([1, 2]);
    const b = leaf([-1]);
    const opt = new Adam([{ params: [w] }, { params: [b], lr: 0.01, amsgrad: true }], { lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      backward([w, b]);
      opt.step();
    }
    return { w, b, opt };
  }

  test('has PyTorch structure: state by parameter index, groups with parameter indices', () => {
    const { w, b, opt } = trained();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '1']);
    expect(sd.state[0].expAvg).toBe(opt.state.get(w)!.expAvg);
    expect(Object.keys(sd.state[1]).sort()).toEqual(['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step']);
    expect(sd.paramGroups).toEqual([
      {
        lr: 0.1,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: false,
        maximize: false,
        params: [0],
      },
      {
        lr: 0.01,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: true,
        maximize: false,
        params: [1],
      },
    ]);
    expect(opt.state.get(b)!.step.item()).toBe(3);
  });

  test('a fresh optimizer loaded from the state dict continues exactly', () => {
    const a = trained();
    const sd = a.opt.stateDict();
    const w = tensor(a.w, { requiresGrad: true });
    const b = tensor(a.b, { requiresGrad: true });
    const opt = new Adam([{ params: [w] }, { params: [b] }], { lr: 0.5 });
    opt.loadStateDict(sd);
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.01, amsgrad: true, params: [b] });
    // The loaded state is a copy: stepping one optimizer leaves the other's state alone.
    expect(opt.state.get(w)!.expAvg).not.toBe(a.opt.state.get(a.w)!.expAvg);
    for (const { opt: o, w: pw, b: pb } of [a, { opt, w, b }]) {
      o.zeroGrad();
      backward([pw, pb]);
      o.step();
    }
    expect([...w.dataSync()]).toEqual([...a.w.dataSync()]);
    expect([...b.dataSync()]).toEqual([...a.b.dataSync()]);
  });

  test('casts loaded state tensors to the parameter dtype, except step', () => {
    const { opt } = trained();
    const sd = opt.stateDict();
    const w = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const b = tensor([1], { dtype: 'float64', requiresGrad: true });
    const other = new Adam([{ params: [w] }, { params: [b] }]);
    other.loadStateDict(sd);
    expect(other.state.get(w)!.expAvg.dtype).toBe('float64');
    expect(other.state.get(w)!.step.dtype).toBe('float32');
  });

  test('rejects a state dict that does not fit, changing nothing', () => {
    const { opt } = trained();
    const sd = opt.stateDict();
    const w = leaf([1, 2]);
    const fresh = new Adam([w], { lr: 0.3 });
    expect(() => fresh.loadStateDict(sd)).toThrow(
      'loaded state dict has a different number of parameter groups',
    );
    const two = new Adam([{ params: [w, leaf([0])] }, { params: [leaf([1])] }]);
    expect(() => two.loadStateDict(sd)).toThrow(
      "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
    );
    const one = new Adam([{ params: [w] }, { params: [leaf([1])] }]);
    expect(() => one.loadStateDict({ ...sd, state: { ...sd.state, 7: {} } })).toThrow(
      'state for parameter 7, but the optimizer has 2 parameters',
    );
    expect(() => one.loadStateDict({} as never)).toThrow(/'state' and 'paramGroups'/);
    expect(one.state.size).toBe(0);
    expect(one.paramGroups[0].lr).toBe(1e-3);
  });

  test('Adagrad creates state at construction; RMSprop keeps step as a number', () => {
    const w = leaf([1]);
    expect(
      new Adagrad([w], { initialAccumulatorValue: 0.5 }).stateDict().state[0].sum,
    ).toBeDefined();
    const rms = new RMSprop([w], { momentum: 0.9, centered: true });
    backward([w]);
    rms.step();
    expect(Object.keys(rms.stateDict().state[0]).sort()).toEqual([
      'gradAvg',
      'momentumBuffer',
      'squareAvg',
      'step',
    ]);
    expect(rms.state.get(w)!.step).toBe(1);
  });

  test('LBFGS state (history lists) round-trips through loadStateDict', () => {
    const make = () => {
      const x = tensor([-1, 1.5], { dtype: 'float64', requiresGrad: true });
      const opt = new LBFGS([x], { maxIter: 3, historySize: 2 });
      const closure = () => {
        opt.zeroGrad();
        const l = x
          .sub(tensor([2, -1], { dtype: 'float64' }))
          .pow(4)
          .sum();
        l.backward();
        return l;
      };
      return { x, opt, closure };
    };
    const a = make();
    a.opt.step(a.closure);
    const b = make();
    b.opt.loadStateDict(a.opt.stateDict());
    noGrad(() => b.x.copy_(a.x));
    a.opt.step(a.closure);
    b.opt.step(b.closure);
    expect([...b.x.dataSync()]).toEqual([...a.x.dataSync()]);
    expect(b.opt.state.get(b.x)!.oldDirs).toHaveLength(2);
  });
});
