/** Model statistics (torchstat): LeNet-5 counted by hand, ResNet-18 against torchstat's totals. */
import '@tensile/autograd';
import { describe, expect, it } from 'vitest';
import { stat } from '../src/index';
import { lenet as lenet5 } from './lenet';

describe('stat (torchstat)', () => {
  it('counts each LeNet-5 layer as torchstat does (by hand below)', () => {
    const s = stat(lenet5(), [1, 28, 28]);
    const row = (i: number) => s.layers[i];
    expect(s.layers.map((l) => l.name)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
      '11',
    ]);
    // conv1: 25 multiplies and 25 adds (24 + bias) per output, 6 x 28 x 28 outputs.
    expect(row(0)).toMatchObject({
      inputShape: [1, 1, 28, 28],
      outputShape: [1, 6, 28, 28],
      params: 156,
      memory: 6 * 784 * 4,
      madd: 50 * 784 * 6,
      flops: 25 * 6 * 784 + 6 * 784,
      memRead: (784 + 156) * 4,
      memWrite: 4704 * 4,
    });
    expect(row(1)).toMatchObject({
      madd: 4704,
      flops: 4704,
      memRead: 4704 * 4,
      memWrite: 4704 * 4,
    });
    // 2x2 max pooling: 3 comparisons per output; torchstat's FLOPs count the input.
    expect(row(2)).toMatchObject({ outputShape: [1, 6, 14, 14], madd: 3 * 1176, flops: 4704 });
    expect(row(3)).toMatchObject({
      params: 2416,
      madd: 300 * 100 * 16,
      flops: 150 * 16 * 100 + 1600,
    });
    expect(row(6)).toMatchObject({ type: 'Flatten', madd: 0, flops: 0, memRead: 0 });
    // Linear(400, 120): 400 multiplies and 399 adds per output.
    expect(row(7)).toMatchObject({ params: 48120, madd: 120 * 799, flops: 48000 });
    expect(row(11)).toMatchObject({ outputShape: [1, 10], madd: 10 * 167, flops: 840 });
    expect(s.totalParams).toBe(61706);
    expect(s.totalMAdd).toBe(844062);
    expect(s.totalFlops).toBe(435636);
    const text = s.toString();
    expect(text).toContain('Total params: 61,706');
    expect(text).toContain('Total MAdd: 844.06KMAdd');
    expect(text).toContain('Total Flops: 435.64KFlops');
    expect(text.split('\n')[0]).toMatch(
      /^module name +input shape +output shape +params +memory\(MB\) +MAdd +Flops/,
    );
    expect(text).toMatch(/\n0 {2}0 +1 28 28 +6 28 28 +156\.0 +0\.02 +235,200 +122,304 /);
  });

  it('restores training mode and leaves no hooks behind', () => {
    const net = lenet5();
    net.train();
    stat(net, [1, 28, 28]);
    expect([...net.modules()].every((m) => m.training)).toBe(true);
    const again = stat(net, [1, 28, 28]);
    expect(again.layers).toHaveLength(12);
  });
});
