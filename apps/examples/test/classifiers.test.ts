import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuns } from '@tensile/board';
import { describe, expect, it } from 'vitest';
import { expectUsageError, runExample, sampleDir, tempDir } from './run-example';

/** A stand-in for CIFAR-10's binary release: `n` random records per batch file. */
function fakeCifar(n: number): string {
  const root = tempDir();
  const dir = join(root, 'cifar-10-batches-bin');
  mkdirSync(dir);
  const files = [
    'data_batch_1',
    'data_batch_2',
    'data_batch_3',
    'data_batch_4',
    'data_batch_5',
    'test_batch',
  ];
  for (const f of files) {
    const bytes = new Uint8Array(n * 3073).map((_, i) =>
      i % 3073 === 0 ? (i / 3073) % 10 : (i * 7919) % 256,
    );
    writeFileSync(join(dir, `${f}.bin`), bytes);
  }
  const classes = [
    'airplane',
    'automobile',
    'bird',
    'cat',
    'deer',
    'dog',
    'frog',
    'horse',
    'ship',
    'truck',
  ];
  writeFileSync(join(dir, 'batches.meta.txt'), `${classes.join('\n')}\n`);
  return root;
}

describe('Fashion-MNIST MLP', () => {
  it('trains on the shipped sample and logs loss and accuracy', async () => {
    const logdir = tempDir();
    const run = await runExample(
      'fashion-mnist-mlp.ts',
      ...['--data', sampleDir, '--epochs', '1', '--limit-steps', '3', '--logdir', logdir],
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /epoch 1\/1: train loss \d\.\d{4}, test accuracy \d+\.\d\d% \(192 images\)/,
    );
    const scalars = (await loadRuns(logdir))['.'].scalars;
    expect(scalars['train/loss']).toHaveLength(3);
    expect(scalars['test/accuracy']).toHaveLength(1);
  }, 180_000);
});

describe('CIFAR-10 LeNet-5', () => {
  it('trains and tests on CIFAR-10 files given with --data', async () => {
    const run = await runExample(
      'cifar10.ts',
      ...[
        '--data',
        fakeCifar(8),
        '--logdir',
        tempDir(),
        '--epochs',
        '1',
        '--batch-size',
        '4',
        '--limit-steps',
        '2',
      ],
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/40 training and 8 test images; classes airplane, .*, truck/);
    expect(run.stdout).toMatch(/Accuracy of the network on the 8 test images: \d+\.\d\d%/);
  }, 180_000);

  it('says where to put the data when it is missing', async () => {
    const run = await runExample('cifar10.ts', '--data', tempDir());
    expectUsageError(
      run,
      /CIFAR-10 could not be loaded from .*: pass --data DIR, or --download[\s\S]*cifar-10-python.tar.gz/,
    );
  }, 180_000);
});
