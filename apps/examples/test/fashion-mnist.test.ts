import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuns } from '@tensile/board';
import { describe, expect, it } from 'vitest';
import { expectUsageError, runExample, runExampleWith, sampleDir, tempDir } from './run-example';

const main = (...args: string[]) =>
  runExample('fashion-mnist.ts', '--data', sampleDir, '--limit-steps', '2', ...args);

describe('main job (LeNet-5 on Fashion-MNIST)', () => {
  it('trains, logs to the board, checkpoints, and resumes exactly where it stopped', async () => {
    const [straight, first] = [tempDir(), tempDir()];
    const [twoEpochs, oneEpoch] = await Promise.all([
      main('--epochs', '2', '--logdir', straight),
      main('--epochs', '1', '--logdir', first),
    ]);
    expect(twoEpochs.code, twoEpochs.stderr).toBe(0);
    expect(oneEpoch.code, oneEpoch.stderr).toBe(0);
    expect(oneEpoch.stdout).toMatch(/1600 training and 500 test images/);
    expect(oneEpoch.stdout).toMatch(
      /final test accuracy: \d+\.\d\d% on 128 images after 1 epoch\n/,
    );

    const runs = await loadRuns(first);
    expect(runs['.'].scalars['train/loss']).toHaveLength(2);
    expect(runs['.'].scalars['test/accuracy']).toHaveLength(1);
    expect(runs['.'].images.inputs[0]).toMatchObject({ width: 242, height: 122 });
    expect(runs['.'].histograms).toHaveProperty('0.weight');
    // The traced graph: input, LeNet-5's 15 ops (Linear is matmul and add), output.
    const graph = runs['.'].graph?.node ?? [];
    expect(graph.map((n) => n.name)).toContain('Sequential/Conv2d[0]/conv.1');
    expect(graph).toHaveLength(17);
    // PR curves per class after each epoch, and the projector's embedding of test images.
    expect(Object.keys(runs['.'].tensors).filter((t) => t.startsWith('pr/'))).toHaveLength(10);
    expect(runs['.'].tensors['pr/Trouser'][0]).toMatchObject({ plugin: 'pr_curves', step: 1 });
    const projector = readFileSync(join(first, 'projector_config.pbtxt'), 'utf8');
    expect(projector).toContain('tensor_path: "00001/test-images/tensors.tsv"');
    expect(projector).toContain('sprite');
    const rows = readFileSync(join(first, '00001', 'test-images', 'tensors.tsv'), 'utf8');
    expect(rows.trim().split('\n')).toHaveLength(500);
    expect(rows.split('\n')[0].split('\t')).toHaveLength(84);

    const resumed = await main('--epochs', '2', '--logdir', first, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resumed from .* after epoch 1/);
    expect(resumed.stdout).not.toMatch(/epoch 1\/2/);
    const checkpoint = (dir: string) => readFileSync(join(dir, 'checkpoint.safetensors'));
    expect(checkpoint(first).equals(checkpoint(straight))).toBe(true);
    expect((await loadRuns(first))['.'].scalars['train/loss']).toHaveLength(4);
  }, 180_000);

  it('answers bad input with usage and exit code 2', async () => {
    const runs = await Promise.all([
      main('--epocs', '1'),
      main('--lr', 'fast'),
      runExample('fashion-mnist.ts', '--data', join(sampleDir, 'missing')),
      runExample('fashion-mnist.ts', '--data', join(sampleDir, '..')),
      main('--resume', '--logdir', tempDir()),
      main('--device', 'tpu'),
      runExampleWith({ DISPLAY: '' }, 'fashion-mnist.ts', '--device', 'gpu'),
    ]);
    expectUsageError(runs[0], /Unknown option '--epocs'/);
    expectUsageError(runs[1], /--lr must be a positive number, got 'fast'/);
    expectUsageError(runs[2], /--data: no such directory '.*missing'/);
    expectUsageError(runs[3], /--data: no Fashion-MNIST in/);
    expectUsageError(runs[4], /--resume: no checkpoint at '.*checkpoint.safetensors'/);
    expectUsageError(runs[5], /--device must be one of cpu, gpu, got 'tpu'/);
    expectUsageError(
      runs[6],
      /--device gpu: the gpu backend found no headless-gl context[\s\S]*xvfb-run/,
    );
  }, 180_000);
});
