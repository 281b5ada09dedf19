import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExample } from './run-example';

describe('small examples', () => {
  it('print what their comments promise', async () => {
    const [custom, rnn, accuracy, grid, tour] = await Promise.all(
      ['custom-dataset.ts', 'rnn-shapes.ts', 'accuracy.ts', 'make-grid.ts', 'tensor-tour.ts'].map(
        (f) => runExample(f),
      ),
    );
    for (const run of [custom, rnn, accuracy, grid, tour]) expect(run.code, run.stderr).toBe(0);

    expect(tour.stdout).toMatch(/least squares on y = 3x \+ 2 \+ noise: w = 2\.99\d, b = 2\.0\d\d/);
    expect(tour.stdout).toContain(
      'eigenvalues of a 30-degree rotation: tensor([0.8660+0.5000j, 0.8660-0.5000j])',
    );
    expect(tour.stdout).toContain('and angles tensor([ 0.5236, -0.5236])');
    expect(tour.stdout).toContain('A V = V diag(L): true');

    expect(custom.stdout).toContain('dataset of 4 samples; dataset.get(2) = [3, 1]');
    const batches = [
      ...custom.stdout.matchAll(
        /epoch (\d): x = tensor\(\[(\d), (\d)\]\), y = tensor\(\[(\d), (\d)\]\)/g,
      ),
    ];
    expect(batches).toHaveLength(4);
    for (const [, , x0, x1, y0, y1] of batches) {
      // MyDs([1, 2, 3, 4], [0, 1, 1, 1]): each label belongs to its x.
      expect([Number(y0), Number(y1)]).toEqual([x0, x1].map((x) => (x === '1' ? 0 : 1)));
    }
    const epoch0 = batches.filter(([, e]) => e === '0').flatMap(([, , a, b]) => [a, b]);
    expect(epoch0.sort()).toEqual(['1', '2', '3', '4']);

    expect(rnn.stdout).toContain('RNN(4, 3, 1):  output [3, 2, 3], hidden [1, 2, 3]');
    expect(rnn.stdout).toContain(
      'LSTM(4, 3, 1): output [3, 2, 3], hidden [1, 2, 3], cell [1, 2, 3]',
    );
    expect(rnn.stdout).toContain('GRU(4, 3, 2, bidirectional): output [3, 2, 6], hidden [4, 2, 3]');
    expect(rnn.stdout).toContain('on [2, 3, 4]: output [2, 3, 3]');

    expect(accuracy.stdout).toContain('predicted  tensor([1, 0, 2, 0])');
    expect(accuracy.stdout).toContain('correct 3 of 4: accuracy 75%');
    expect(accuracy.stdout).toContain('argmax(1) equals max(1) indices: true');

    expect(grid.stdout).toContain('makeGrid of [3, 3, 32, 32] with padding 2: [3, 36, 104]');
    expect(grid.stdout).toContain('nrow 5: [3, 62, 152]');
  }, 180_000);

  it('finetune-pytorch loads a PyTorch state dict, matches its outputs, and saves a .pt', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'finetune-')), 'head.pt');
    const run = await runExample('finetune-pytorch.ts', '--out', out, '--steps', '30');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('missing keys 0, unexpected keys 0');
    const diff = Number(run.stdout.match(/outputs: (\S+)/)?.[1]);
    expect(diff).toBeLessThan(1e-5);
    const [, first, last] = run.stdout.match(/loss (\S+) -> (\S+)/) ?? [];
    expect(Number(last)).toBeLessThan(Number(first));
    expect(existsSync(out)).toBe(true);
  }, 180_000);

  it('export-model writes LeNet-5 as ONNX and prototxt, and runs the ONNX file where it can', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-'));
    const run = await runExample('export-model.ts', '--out-dir', dir);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(dir, 'lenet5.onnx'))).toBe(true);
    expect(run.stdout).toContain(
      'Input -> Convolution -> ReLU -> Pooling -> Convolution -> ReLU -> Pooling -> Flatten -> InnerProduct',
    );
    const ran = run.stdout.match(/largest difference (\S+)/);
    if (process.env.TENSILE_ONNX_REQUIRED === '1') expect(ran).not.toBeNull();
    if (ran) expect(Number(ran[1])).toBeLessThan(1e-5);
  }, 180_000);

  it('grad-cam trains LeNet-5 on the sample, explains test images, writes a PNG and a board run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grad-cam-'));
    const out = join(dir, 'cam.png');
    const logdir = join(dir, 'run');
    const sample = join(import.meta.dirname, '..', 'data', 'fashion-mnist-sample');
    const run = await runExample(
      'grad-cam.ts',
      ...['--data', sample, '--images', '8', '--out', out, '--logdir', logdir],
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/explained 8 test images \(\d predicted right\)/);
    const png = readFileSync(out);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // 8 overlays of 28x28 in one row with 2-pixel padding: 242 x 32.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([242, 32]);
    const events = readdirSync(logdir).filter((f) => f.startsWith('events.out.tfevents'));
    expect(events).toHaveLength(1);
    expect(readFileSync(join(logdir, events[0])).includes('grad-cam')).toBe(true);
  }, 180_000);
});
