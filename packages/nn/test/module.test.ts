import '@tensile/autograd';
import { complex, ones, randn, type Tensor, tensor, zeros } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm2d,
  Flatten,
  init,
  Linear,
  Module,
  ModuleDict,
  ModuleList,
  Parameter,
  ParameterList,
  Sequential,
  StateDictError,
} from '../src';

/** The seed's custom layer: two Parameters and a forward. */
class MyLinear extends Module {
  weight: Parameter;
  bias: Parameter;
  constructor(inUnits: number, units: number) {
    super();
    this.weight = new Parameter(randn([inUnits, units]));
    this.bias = new Parameter(randn([units]));
  }
  override forward(x: Tensor): Tensor {
    return x.matmul(this.weight).add(this.bias).relu();
  }
}

class Net extends Module {
  features = new Sequential(new Linear(4, 8), new MyLinear(8, 3));
  head = new Linear(3, 2, { bias: false });
  constructor() {
    super();
    this.registerBuffer('running_mean', zeros([2]));
    this.registerBuffer('scratch', zeros([1]), { persistent: false });
  }
  override forward(x: Tensor): Tensor {
    return this.head.forward(this.features.forward(x));
  }
}

describe('Module', () => {
  it('registers parameters, buffers and children by assignment, with PyTorch names', () => {
    const net = new Net();
    expect([...net.namedParameters()].map(([n]) => n)).toEqual([
      'features.0.weight',
      'features.0.bias',
      'features.1.weight',
      'features.1.bias',
      'head.weight',
    ]);
    expect(Object.keys(net.stateDict())).toEqual([
      'running_mean',
      'features.0.weight',
      'features.0.bias',
      'features.1.weight',
      'features.1.bias',
      'head.weight',
    ]);
    expect([...net.namedBuffers()].map(([n]) => n)).toEqual(['running_mean', 'scratch']);
    expect([...net.namedChildren()].map(([n]) => n)).toEqual(['features', 'head']);
    expect([...net.namedModules()].map(([n]) => n)).toEqual([
      '',
      'features',
      'features.0',
      'features.1',
      'head',
    ]);
    expect(net.getSubmodule('features.1')).toBeInstanceOf(MyLinear);
    expect(net.getParameter('features.0.bias').shape).toEqual([8]);
  });

  it('runs the seed MLP in Sequential with Flatten and backpropagates into every parameter', () => {
    const net = new Sequential(
      new Flatten(),
      new Linear(12, 8),
      new MyLinear(8, 4),
      new Linear(4, 2),
    );
    const y = net.forward(randn([5, 3, 4]));
    expect(y.shape).toEqual([5, 2]);
    y.sum().backward();
    for (const [name, p] of net.namedParameters()) expect(p.grad?.shape, name).toEqual(p.shape);
    net.zeroGrad();
    expect([...net.parameters()].every((p) => p.grad === null)).toBe(true);
  });

  it('net.apply(initWeights) visits every module, children first', () => {
    const net = new Sequential(new Linear(4, 4), new Sequential(new Linear(4, 2)));
    const seen: string[] = [];
    net.apply((m) => {
      seen.push(m.constructor.name);
      if (m instanceof Linear) {
        init.normal_(m.weight, 0, 0.01);
        if (m.bias) init.zeros_(m.bias);
      }
    });
    expect(seen).toEqual(['Linear', 'Linear', 'Sequential', 'Sequential']);
    const lin = net.at(0) as Linear;
    expect(lin.bias?.abs().sum().item()).toBe(0);
    expect(lin.weight.std().item()).toBeLessThan(0.03);
  });

  it('train()/eval() reach every submodule', () => {
    const net = new Net();
    net.eval();
    expect([...net.modules()].every((m) => !m.training)).toBe(true);
    net.train();
    expect([...net.modules()].every((m) => m.training)).toBe(true);
  });

  it('loadStateDict copies in place and reports missing/unexpected keys as PyTorch does', () => {
    const a = new Net();
    const b = new Net();
    const w = b.getParameter('head.weight');
    b.loadStateDict(a.stateDict());
    expect(b.getParameter('head.weight')).toBe(w);
    expect(w.tolist()).toEqual(a.getParameter('head.weight').tolist());
    const sd = a.stateDict();
    delete sd['head.weight'];
    sd.extra = ones([1]);
    expect(() => b.loadStateDict(sd)).toThrow(StateDictError);
    expect(() => b.loadStateDict(sd)).toThrow(
      'Error(s) in loading state_dict for Net:\n\tUnexpected key(s) in state_dict: "extra". \n\tMissing key(s) in state_dict: "head.weight". ',
    );
    expect(b.loadStateDict(sd, { strict: false })).toEqual({
      missingKeys: ['head.weight'],
      unexpectedKeys: ['extra'],
    });
  });

  it('refuses a shape mismatch even when not strict, and changes nothing', () => {
    const net = new Net();
    const before = net.getParameter('features.0.weight').tolist();
    const sd = new Net().stateDict();
    sd['head.weight'] = zeros([4, 4]);
    expect(() => net.loadStateDict(sd, { strict: false })).toThrow(
      'size mismatch for head.weight: copying a param with shape torch.Size([4, 4]) from checkpoint, the shape in current model is torch.Size([2, 3]).',
    );
    expect(net.getParameter('features.0.weight').tolist()).toEqual(before);
  });

  it('supports the partial-load recipe: filter keys, update, load', () => {
    const pretrained = new Net().stateDict();
    const model = new Net();
    const own = model.stateDict();
    const filtered = Object.fromEntries(
      Object.entries(pretrained).filter(([k]) => k.startsWith('features.')),
    );
    Object.assign(own, filtered);
    model.loadStateDict(own);
    expect(model.getParameter('features.0.weight').tolist()).toEqual(
      pretrained['features.0.weight'].tolist(),
    );
  });

  it('prints the module tree as PyTorch does', () => {
    const net = new Sequential(new Linear(4, 3), new Sequential({ flat: new Flatten() }));
    expect(net.toString()).toBe(
      [
        'Sequential(',
        '  (0): Linear(in_features=4, out_features=3, bias=True)',
        '  (1): Sequential(',
        '    (flat): Flatten(start_dim=1, end_dim=-1)',
        '  )',
        ')',
      ].join('\n'),
    );
  });

  it('runs forward pre-hooks, forward hooks and full backward hooks; handles remove them', () => {
    const lin = new Linear(3, 2);
    const net = new Sequential(lin, new Linear(2, 1));
    const calls: string[] = [];
    const h1 = lin.registerForwardPreHook((_m, args) => {
      calls.push('pre');
      return [args[0].mul(2)];
    });
    let activation: Tensor | null = null;
    const h2 = lin.registerForwardHook((_m, _args, out) => {
      calls.push('fwd');
      activation = out as Tensor;
    });
    let gradOut: (Tensor | null)[] = [];
    let gradIn: (Tensor | null)[] = [];
    const h3 = lin.registerFullBackwardHook((_m, gi, go) => {
      calls.push('bwd');
      gradIn = gi;
      gradOut = go;
    });
    const x = tensor([[1, 2, 3]], { dtype: 'float32' }).requiresGrad_();
    const y = net.forward(x);
    expect(calls).toEqual(['pre', 'fwd']);
    y.sum().backward();
    expect(calls).toEqual(['pre', 'fwd', 'bwd']);
    expect(activation).not.toBeNull();
    const w2 = (net.at(1) as Linear).weight;
    expect(gradOut[0]?.tolist()).toEqual(w2.detach().tolist());
    // The pre-hook doubled the input, so dL/dx = 2 * (dL/d(2x)) = 2 * gradInput.
    expect(x.grad?.tolist()).toEqual(gradIn[0]?.mul(2).tolist());
    for (const h of [h1, h2, h3]) h.remove();
    net.forward(x);
    expect(calls).toHaveLength(3);
  });

  it('full backward hooks see one gradInput entry per argument, as PyTorch 1.13', () => {
    // PyTorch: a * b with only a requiring grad gives grad_input ([3, 4], [0, 0]); with a
    // number as the second argument, ([5, 5], None); a replacement is read by position.
    const bNeedsGrad: boolean[] = [];
    class Mul extends Module {
      override forward(a: Tensor, b: Tensor | number): Tensor {
        if (typeof b !== 'number') bNeedsGrad.push(b.requiresGrad);
        return a.mul(b);
      }
    }
    const m = new Mul();
    const seen: (number[] | null)[][] = [];
    const h = m.registerFullBackwardHook((_m, gi) => {
      seen.push(gi.map((g) => (g ? (g.tolist() as number[]) : null)));
    });
    const a = tensor([1.0, 2.5]).requiresGrad_();
    m.forward(a, tensor([3.5, 4.0]))
      .sum()
      .backward();
    m.forward(tensor([1.5, 2.0]), a)
      .sum()
      .backward();
    m.forward(a, 5).sum().backward();
    expect(seen).toEqual([
      [
        [3.5, 4],
        [0, 0],
      ],
      [
        [0, 0],
        [1.5, 2],
      ],
      [[5, 5], null],
    ]);
    // A float argument without grad stays without it inside forward, as in PyTorch.
    expect(bNeedsGrad).toEqual([false, true]);
    h.remove();
    m.registerFullBackwardHook(() => [tensor([7.0, 7.0]), null]);
    const c = tensor([1.0, 2.5]).requiresGrad_();
    m.forward(c, tensor([3.0, 4.0]))
      .sum()
      .backward();
    expect(c.grad?.tolist()).toEqual([7, 7]);
  });

  it("refuses a child, parameter or buffer named like the module's own members", () => {
    const m = new Linear(2, 2);
    expect(() => new ModuleDict({ train: new Linear(1, 1) })).toThrow(
      "attribute 'train' already exists",
    );
    expect(() => m.registerBuffer('forward', zeros([1]))).toThrow(
      "attribute 'forward' already exists",
    );
    expect(() => m.registerModule('training', new Linear(1, 1))).toThrow(
      "attribute 'training' already exists",
    );
    // Registered slots can be replaced, as in PyTorch; not by another kind.
    m.registerParameter('bias', null);
    expect(m.bias).toBeNull();
    const bn = new BatchNorm2d(2);
    expect(() => bn.registerParameter('running_mean', new Parameter(zeros([2])))).toThrow(
      "attribute 'running_mean' already exists",
    );
    expect(() => bn.registerModule('running_var', new Linear(1, 1))).toThrow('already exists');
    expect(() => bn.registerBuffer('weight', zeros([2]))).toThrow('already exists');
    bn.registerBuffer('running_mean', null);
    // A declared field not yet set is free to register (ES2022 class fields hold undefined).
    class Declared extends Module {
      weight!: Parameter;
      constructor() {
        super();
        this.registerParameter('weight', new Parameter(zeros([2])));
      }
    }
    expect(new Declared().weight.shape).toEqual([2]);
  });

  it('backward hooks can replace the input gradient', () => {
    const lin = new Linear(3, 2);
    lin.registerFullBackwardHook((_m, gi) => gi.map((g) => g?.mul(0) ?? null));
    const x = randn([2, 3]).requiresGrad_();
    lin.forward(x).sum().backward();
    expect(x.grad?.abs().sum().item()).toBe(0);
    expect(lin.weight.grad?.abs().sum().item()).toBeGreaterThan(0);
  });

  it('containers: ModuleList, ModuleDict, ParameterList', () => {
    const list = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
    list.append(new Linear(2, 1));
    expect(list.length).toBe(3);
    expect(list.pop(0)).toBeInstanceOf(Linear);
    expect([...list.namedParameters()].map(([n]) => n)).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
    ]);
    const dict = new ModuleDict({ enc: new Linear(2, 2), dec: new Linear(2, 2) });
    expect(dict.keys()).toEqual(['enc', 'dec']);
    const params = new ParameterList([zeros([2]), ones([3])]);
    expect([...params].map((p) => p.shape)).toEqual([[2], [3]]);
    expect(() => list.at(5)).toThrow(/out of range/);
  });

  it('Linear names the layer and both shapes on a bad input', () => {
    expect(() => new Linear(4, 3).forward(randn([2, 5]))).toThrow(
      'Linear(in_features=4, out_features=3): expected input with last dimension 4, but got input of shape [2, 5]',
    );
  });

  it("Linear's default init is U(-1/sqrt(in), 1/sqrt(in)) for weight and bias", () => {
    const lin = new Linear(400, 300);
    const bound = 1 / Math.sqrt(400);
    expect(lin.weight.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(lin.weight.abs().max().item()).toBeGreaterThan(bound * 0.99);
    expect(lin.weight.var().item()).toBeCloseTo(bound ** 2 / 3, 5);
    expect(lin.bias?.abs().max().item()).toBeLessThanOrEqual(bound);
  });

  it('to(dtype) casts parameters and buffers', () => {
    const net = new Net().double();
    expect(
      [...net.parameters()].every((p) => p.dtype === 'float64' && p instanceof Parameter),
    ).toBe(true);
    expect(net.getBuffer('running_mean').dtype).toBe('float64');
  });

  it('to(dtype) takes complex dtypes and casts complex tensors, as PyTorch', () => {
    const m = new Linear(2, 1);
    m.registerBuffer(
      'z',
      complex(tensor([1, 3], { dtype: 'float32' }), tensor([2, -1], { dtype: 'float32' })),
    );
    m.registerBuffer('n', tensor([1, 2]));
    m.to('complex64');
    expect([m.weight.dtype, m.getBuffer('z').dtype, m.getBuffer('n').dtype]).toEqual([
      'complex64',
      'complex64',
      'int64',
    ]);
    expect(m.weight.requiresGrad).toBe(true);
    m.to('float64');
    expect([m.weight.dtype, m.getBuffer('z').tolist()]).toEqual(['float64', [1, 3]]);
    expect(() => m.to('int64')).toThrow(/only accepts floating point or complex dtypes/);
  });
});

describe('hooks on a forward declared as a class field', () => {
  it('run once per call, as for a forward method (issue 22)', () => {
    class Field extends Module {
      lin = new Linear(2, 2);
      override forward = (x: Tensor) => this.lin.forward(x).relu();
    }
    const m = new Field();
    const calls: string[] = [];
    m.registerForwardPreHook(() => {
      calls.push('pre');
    });
    m.registerForwardHook(() => {
      calls.push('post');
    });
    const y = m.forward(ones([1, 2]));
    expect(y.shape).toEqual([1, 2]);
    expect(calls).toEqual(['pre', 'post']);
    // Registering again does not wrap twice.
    m.registerForwardHook(() => {
      calls.push('again');
    });
    m.forward(ones([1, 2]));
    expect(calls).toEqual(['pre', 'post', 'pre', 'post', 'again']);
    // Not a child, parameter or buffer: property scans skip the field.
    expect([...m.children()]).toHaveLength(1);
  });
});
