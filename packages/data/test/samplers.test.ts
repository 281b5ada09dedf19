import { Generator, manualSeed, tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchSampler,
  DistributedSampler,
  RandomSampler,
  SequentialSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
} from '../src/index';

const ten = { length: 10 };
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('SequentialSampler and RandomSampler', () => {
  it('SequentialSampler counts up', () => {
    expect([...new SequentialSampler({ length: 4 })]).toEqual([0, 1, 2, 3]);
  });

  it('RandomSampler permutes, reshuffles every epoch and repeats with a seed', () => {
    const s = new RandomSampler(ten, { generator: new Generator(3) });
    const e1 = [...s];
    const e2 = [...s];
    expect(sorted(e1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(e2).not.toEqual(e1);
    const again = new RandomSampler(ten, { generator: new Generator(3) });
    expect([[...again], [...again]]).toEqual([e1, e2]);
  });

  it('without a generator it follows the default generator (manualSeed)', () => {
    manualSeed(7);
    const a = [...new RandomSampler(ten)];
    manualSeed(7);
    expect([...new RandomSampler(ten)]).toEqual(a);
  });

  it('numSamples beyond the length repeats whole permutations; replacement draws freely', () => {
    const s = new RandomSampler({ length: 3 }, { numSamples: 7, generator: new Generator(1) });
    const out = [...s];
    expect(s.length).toBe(7);
    expect(sorted(out.slice(0, 3))).toEqual([0, 1, 2]);
    expect(sorted(out.slice(3, 6))).toEqual([0, 1, 2]);
    const r = [
      ...new RandomSampler(ten, { replacement: true, numSamples: 50, generator: new Generator(1) }),
    ];
    expect(r).toHaveLength(50);
    expect(r.every((i) => i >= 0 && i < 10)).toBe(true);
  });

  it('validates its options with PyTorch messages', () => {
    expect(() => new RandomSampler(ten, { numSamples: 0 })).toThrow(
      'numSamples should be a positive integer value, but got numSamples=0',
    );
    // biome-ignore lint/suspicious/noExplicitAny: a wrong type on purpose
    expect(() => new RandomSampler(ten, { replacement: 1 as any })).toThrow(
      /replacement should be a boolean/,
    );
  });
});

describe('SubsetRandomSampler and WeightedRandomSampler', () => {
  it('SubsetRandomSampler shuffles the given indices', () => {
    const out = [...new SubsetRandomSampler([5, 7, 9], { generator: new Generator(0) })];
    expect(sorted(out)).toEqual([5, 7, 9]);
  });

  it('draws in proportion to the weights', () => {
    const s = new WeightedRandomSampler([0, 1, 3], 4000, { generator: new Generator(5) });
    const counts = [0, 0, 0];
    for (const i of s) counts[i]++;
    expect(counts[0]).toBe(0);
    expect(counts[2] / counts[1]).toBeGreaterThan(2.5);
    expect(counts[2] / counts[1]).toBeLessThan(3.5);
  });

  it('without replacement draws distinct indices with non-zero weight', () => {
    const w = tensor([0.1, 0, 0.5, 0.4]);
    const out = [
      ...new WeightedRandomSampler(w, 3, { replacement: false, generator: new Generator(2) }),
    ];
    expect(sorted(out)).toEqual([0, 2, 3]);
    expect(() => new WeightedRandomSampler(w, 4, { replacement: false })).toThrow(
      /without replacement/,
    );
    expect(() => new WeightedRandomSampler([1, -1], 1)).toThrow(/non-negative/);
  });
});

describe('BatchSampler', () => {
  it('groups indices, keeping or dropping the short tail', () => {
    const seq = new SequentialSampler(ten);
    expect([...new BatchSampler(seq, 3, false)]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect([...new BatchSampler(seq, 3, true)]).toHaveLength(3);
    expect(new BatchSampler(seq, 3, false).length).toBe(4);
    expect(new BatchSampler(seq, 3, true).length).toBe(3);
    expect(() => new BatchSampler(seq, 0, false)).toThrow(
      'batchSize should be a positive integer value, but got batchSize=0',
    );
  });
});

describe('DistributedSampler', () => {
  const shards = (n: number, opts: { dropLast?: boolean; shuffle?: boolean }) =>
    [0, 1, 2].map((rank) => [
      ...new DistributedSampler({ length: n }, { numReplicas: 3, rank, ...opts }),
    ]);

  it('interleaves ranks and pads with the head of the list, as PyTorch', () => {
    expect(shards(10, { shuffle: false })).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7, 0],
      [2, 5, 8, 1],
    ]);
  });

  it('drops the tail with dropLast', () => {
    expect(shards(10, { shuffle: false, dropLast: true })).toEqual([
      [0, 3, 6],
      [1, 4, 7],
      [2, 5, 8],
    ]);
  });

  it('shuffles alike on every rank, differently per epoch', () => {
    const make = (rank: number) => new DistributedSampler(ten, { numReplicas: 2, rank, seed: 1 });
    const [r0, r1] = [make(0), make(1)];
    const epoch0 = [...r0, ...r1];
    expect(sorted(epoch0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    r0.setEpoch(1);
    r1.setEpoch(1);
    const epoch1 = [...r0, ...r1];
    expect(sorted(epoch1)).toEqual(sorted(epoch0));
    expect(epoch1).not.toEqual(epoch0);
    expect(r0.length).toBe(5);
  });

  it('rejects a rank outside the world', () => {
    expect(() => new DistributedSampler(ten, { numReplicas: 2, rank: 2 })).toThrow(
      'Invalid rank 2, rank should be in the interval [0, 1]',
    );
  });
});
