import '@tensile/autograd';
import * as nn from '@tensile/nn';
import { SGD } from '@tensile/optim';
import * as T from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { gpuMemory } from '../src/index';
import { gpuReady } from './gpu';

describe.skipIf(!gpuReady)('gpu memory', () => {
  it('a 10,000-step training loop in scopes holds a flat number of textures', () => {
    T.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 1)).to(
      'gpu',
    );
    const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const x = T.randn([16, 4], { device: 'gpu' });
    const y = x.sum(1, { keepdim: true }).sin();
    const held: number[] = [];
    let loss = 0;
    for (let step = 1; step <= 10_000; step++) {
      loss = T.scope(() => {
        opt.zeroGrad();
        const l = nn.F.mseLoss(model.forward(x) as T.Tensor, y);
        l.backward();
        opt.step();
        return step % 1000 === 0 ? l.item() : 0;
      });
      if (step % 1000 === 0) held.push(gpuMemory().textures);
    }
    expect(loss).toBeLessThan(0.05);
    // After the first step (optimizer state made) the count never moves.
    expect(new Set(held).size).toBe(1);
  }, 300_000);

  it('dispose() frees a texture at once and the finalizer frees dropped ones', async () => {
    const before = gpuMemory().textures;
    const t = T.ones([1000], { device: 'gpu' });
    expect(gpuMemory().textures).toBe(before + 1);
    t.dispose();
    expect(gpuMemory().textures).toBe(before);
    expect(() => t.sum()).toThrow(/disposed/);
    for (let k = 0; k < 50; k++) T.ones([1000], { device: 'gpu' }).add(1);
    expect(gpuMemory().textures).toBeGreaterThan(before);
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'vitest.config.ts runs this suite with --expose-gc').toBeTypeOf('function');
    if (!gc) return;
    for (let k = 0; k < 20 && gpuMemory().textures > before; k++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    // Earlier tests' unreferenced tensors may go too.
    expect(gpuMemory().textures).toBeLessThanOrEqual(before);
  });
});
