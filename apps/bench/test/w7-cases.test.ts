import { describe, expect, it } from 'vitest';
import { loaderCase, trainingCases } from '../src/workloads/w7-cases';

describe('trainingCases', () => {
  it('trains every epoch, reports accuracy after epochs 1 and 3, and the median epoch time', async () => {
    let epochs = 0;
    let accuracy = 50;
    const rows = await trainingCases(
      'MLP',
      { epochs: 3, quick: false, log: 'test' },
      async () => {
        epochs++;
      },
      () => accuracy++,
    );
    expect(epochs).toBe(3);
    expect(rows.map((r) => r.case)).toEqual([
      'MLP: epoch wall time',
      'MLP: test accuracy after 1 epoch',
      'MLP: test accuracy after 3 epochs',
    ]);
    expect(rows[0]).toMatchObject({ unit: 's/epoch', higherIsBetter: false });
    expect(rows[0].range).toHaveLength(2);
    expect(rows.slice(1).map((r) => [r.figure, r.unit, r.ratio])).toEqual([
      [50, '%', false],
      [51, '%', false],
    ]);
  });

  it('names a --quick run in every row and gives one epoch no spread', async () => {
    const rows = await trainingCases(
      'LeNet-5',
      { epochs: 1, quick: true, log: 'test' },
      async () => {},
      () => 10,
    );
    expect(rows.map((r) => r.case)).toEqual([
      'LeNet-5: epoch wall time (quick: 100 batches)',
      'LeNet-5: test accuracy after 1 epoch (quick: 100 batches)',
    ]);
    expect(rows[0].range).toBeUndefined();
  });
});

describe('loaderCase', () => {
  it('runs a warm-up epoch and times three more', async () => {
    let epochs = 0;
    const row = await loaderCase(2, async () => {
      epochs++;
    });
    expect(epochs).toBe(4);
    expect(row).toMatchObject({ case: 'loader only, numWorkers=2', unit: 'ms/epoch' });
    expect(row.timing?.runs).toBe(3);
  });
});
