import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BoardInputError,
  defaultLogDir,
  loadRuns,
  makeGrid,
  makeHistogram,
  SummaryWriter,
} from '../src/index';
import { decodePng, tempDir } from './helpers';

async function logged(fn: (w: SummaryWriter) => void) {
  const dir = tempDir();
  const w = new SummaryWriter(dir);
  fn(w);
  await w.close();
  return { dir, runs: await loadRuns(dir) };
}

describe('SummaryWriter', () => {
  it('defaults the log dir like PyTorch: runs/<Mon><DD>_<HH-MM-SS>_<host><comment>', () => {
    expect(defaultLogDir('_lr0.1', new Date(2024, 4, 4, 22, 14, 54))).toBe(
      join('runs', `May04_22-14-54_${hostname()}_lr0.1`),
    );
  });

  it('accepts numbers, nested arrays, typed arrays and tensor-likes', async () => {
    const { runs } = await logged((w) => {
      w.addScalar('a', 1.5, 0);
      w.addScalar('a', [2.5], 1);
      w.addScalar('a', { shape: [], dataSync: () => Float32Array.of(3.5) }, 2);
      w.addScalar('a', { shape: [1], tolist: () => [4.5] }, 3);
      w.addHistogram('h', Float64Array.of(1, 2, 3), 0);
      w.addHistogram('h', { shape: [2, 2], dataSync: () => [1, 2, 3, 4] }, 1);
    });
    expect(runs['.'].scalars.a.map((p) => [p.step, p.value])).toEqual([
      [0, 1.5],
      [1, 2.5],
      [2, 3.5],
      [3, 4.5],
    ]);
    expect(runs['.'].histograms.h.map((p) => p.num)).toEqual([3, 4]);
  });

  it('rejects bad input with BoardInputError', () => {
    const w = new SummaryWriter(tempDir());
    expect(() => w.addScalar('x', [1, 2])).toThrow(BoardInputError);
    expect(() => w.addImage('x', [[[1]]], 0, { dataformats: 'XYZ' })).toThrow(/dataformats/);
    expect(() => w.addImage('x', [[1, 2]], 0, { dataformats: 'CHW' })).toThrow(/does not match/);
    expect(() => w.addHistogram('x', [1, Number.NaN])).toThrow(/NaN/);
    expect(() => w.addHistogram('x', [[1, 2], [3]])).toThrow(/ragged/);
    // A complex tensor's dataSync() gives two numbers per element.
    const pairs = {
      shape: [3],
      dtype: 'complex64',
      dataSync: () => Float32Array.of(1, 2, 3, 4, 5, 6),
    };
    expect(() => w.addHistogram('z', pairs)).toThrow(/6 numbers for shape \[3\].*z\.abs\(\)/);
    expect(() => w.addGraph({ nodes: [{ name: 'a' }], edges: [{ from: 'a', to: 'b' }] })).toThrow(
      /unknown node/,
    );
    expect(() => w.addHparams({ lr: 0.1 }, {}, { hparamDomainDiscrete: { lr: ['x'] } })).toThrow(
      BoardInputError,
    );
  });

  it('writes addScalars sub-runs as <logdir>/<main_tag>_<key>', async () => {
    const { dir, runs } = await logged((w) => w.addScalars('loss/all', { train: 1, val: 2 }, 3));
    expect(readdirSync(dir).filter((n) => !n.includes('tfevents'))).toEqual([
      'loss_all_train',
      'loss_all_val',
    ]);
    expect(runs.loss_all_train.scalars['loss/all']).toEqual([
      expect.objectContaining({ step: 3, value: 1 }),
    ]);
    expect(runs.loss_all_val.scalars['loss/all'][0].value).toBe(2);
  });

  it('encodes images as PNG for CHW, HWC, HW and uint8 data', async () => {
    const { runs } = await logged((w) => {
      w.addImage('chw', [[[0, 1]], [[0, 0.5]], [[1, 0]]], 0);
      w.addImage(
        'hw',
        [
          [0, 1],
          [1, 0],
        ],
        0,
        { dataformats: 'HW' },
      );
      w.addImage(
        'u8',
        { shape: [1, 2, 4], dataSync: () => Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) },
        0,
        { dataformats: 'HWC' },
      );
    });
    const png = (tag: string) => decodePng(runs['.'].images[tag][0].encoded);
    expect(png('chw')).toEqual({
      width: 2,
      height: 1,
      channels: 3,
      pixels: Uint8Array.of(0, 0, 255, 255, 127, 0),
    });
    expect(png('hw').pixels).toEqual(Uint8Array.of(0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0));
    expect(png('u8')).toMatchObject({
      width: 2,
      channels: 4,
      pixels: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
    });
  });

  it('grids image batches like torchvision make_grid', () => {
    const batch = Array.from({ length: 3 }, (_, n) => [[[n + 1]]]);
    const grid = makeGrid(batch, { nrow: 2, padding: 1, padValue: 9 });
    expect(grid.shape).toEqual([3, 5, 5]);
    expect(Array.from(grid.data).slice(0, 25)).toEqual([
      9, 9, 9, 9, 9, 9, 1, 9, 2, 9, 9, 9, 9, 9, 9, 9, 3, 9, 9, 9, 9, 9, 9, 9, 9,
    ]);
  });

  it('tiles addImages batches as PyTorch: 8 to a row, no gaps', async () => {
    // tensorboard's make_grid: ncols = min(n, 8), rows = ceil(n / ncols), canvas H*rows x W*ncols.
    const batch = (n: number) =>
      Array.from({ length: n }, (_, k) => [
        [
          [k / n, 0, 0],
          [0, 0, 1],
        ],
      ]);
    const { runs } = await logged((w) => {
      w.addImages('three', batch(3), 0);
      w.addImages('ten', batch(10), 0);
    });
    const png = (tag: string) => decodePng(runs['.'].images[tag][0].encoded);
    expect(png('three')).toMatchObject({ width: 9, height: 2, channels: 3 });
    expect(png('ten')).toMatchObject({ width: 24, height: 4, channels: 3 });
    // Grey images become RGB; the second row of the first image sits right under the first.
    expect(Array.from(png('three').pixels.subarray(0, 9 * 3))).toEqual([
      ...[0, 0, 0, 0, 0, 0, 0, 0, 0],
      ...[85, 85, 85, 0, 0, 0, 0, 0, 0],
      ...[170, 170, 170, 0, 0, 0, 0, 0, 0],
    ]);
  });

  it('logs text, pr curves, custom scalars and graphs', async () => {
    const { runs } = await logged((w) => {
      w.addText('notes', '**hi**', 2);
      w.addPrCurve('pr', [1, 0, 1], [0.9, 0.2, 0.6], 1, { numThresholds: 5 });
      w.addCustomScalarsMultilinechart(['a', 'b'], { category: 'c', title: 't' });
      w.addGraph({
        nodes: [
          { name: 'x', op: 'Input', outputShape: [2, 3] },
          { name: 'y', inputs: ['x'] },
        ],
      });
    });
    const run = runs['.'];
    expect(run.text['notes/text_summary']).toEqual([
      expect.objectContaining({ step: 2, text: '**hi**' }),
    ]);
    const pr = run.tensors.pr[0];
    expect(pr.shape).toEqual([6, 5]);
    expect(pr.values.slice(0, 5)).toEqual([2, 2, 2, 1, 0]); // true positives per threshold
    expect(run.customScalars).toEqual({
      category: [{ title: 'c', chart: [{ title: 't', multiline: { tag: ['a', 'b'] } }] }],
    });
    expect(run.graph?.node.map((n) => [n.name, n.op, n.input])).toEqual([
      ['x', 'Input', []],
      ['y', 'UnSpecified', ['x']],
    ]);
    expect(run.graph?.node[0].attr._output_shapes).toEqual([[2, 3]]);
  });

  it('writes hparams as a session sub-run with its metrics', async () => {
    const { runs } = await logged((w) =>
      w.addHparams(
        { lr: 0.1, opt: 'sgd', bn: false, skip: null },
        { 'hp/acc': 0.5 },
        { runName: 'trial1' },
      ),
    );
    expect(runs.trial1.hparams).toEqual({ values: { lr: 0.1, opt: 'sgd', bn: false }, status: 1 });
    expect(runs.trial1.experiment?.metricInfos).toEqual([{ tag: 'hp/acc' }]);
    expect(runs.trial1.scalars['hp/acc'][0].value).toBe(0.5);
  });

  it('writes projector files for embeddings', async () => {
    const { dir } = await logged((w) => {
      w.addEmbedding(
        [
          [1, 2],
          [3, 4.5],
        ],
        { metadata: ['a', 'b'], labelImg: [[[[0]]], [[[1]]]], tag: 'my/emb' },
      );
      w.addEmbedding([[0, 1]], {
        metadata: [['x', 1]],
        metadataHeader: ['name', 'n'],
        globalStep: 7,
      });
    });
    const sub = join(dir, '00000', 'my%2femb');
    expect(readFileSync(join(sub, 'tensors.tsv'), 'utf8')).toBe('1\t2\n3\t4.5\n');
    expect(readFileSync(join(sub, 'metadata.tsv'), 'utf8')).toBe('a\nb\n');
    expect(decodePng(readFileSync(join(sub, 'sprite.png')))).toMatchObject({ width: 2, height: 2 });
    expect(readFileSync(join(dir, '00007', 'default', 'metadata.tsv'), 'utf8')).toBe(
      'name\tn\nx\t1\n',
    );
    const config = readFileSync(join(dir, 'projector_config.pbtxt'), 'utf8');
    expect(config).toContain(
      'tensor_name: "my/emb:00000"\n  metadata_path: "00000/my%2femb/metadata.tsv"\n  sprite {\n    image_path: "00000/my%2femb/sprite.png"\n    single_image_dim: 1\n    single_image_dim: 1\n  }\n  tensor_path: "00000/my%2femb/tensors.tsv"',
    );
    expect(config.match(/embeddings \{/g)).toHaveLength(2);
  });

  it('purges events at or after purgeStep when a run restarts', async () => {
    const dir = tempDir();
    const first = new SummaryWriter(dir);
    for (let step = 0; step < 6; step++) first.addScalar('loss', step, step);
    await first.close();
    const resumed = new SummaryWriter(dir, { purgeStep: 3 });
    resumed.addScalar('loss', 30, 3);
    await resumed.close();
    expect((await loadRuns(dir))['.'].scalars.loss.map((p) => p.value)).toEqual([0, 1, 2, 30]);
  });

  it('reopens files after close() and makes histograms like PyTorch', async () => {
    const dir = tempDir();
    const w = new SummaryWriter(dir);
    await w.close();
    w.addScalar('again', 1);
    await w.close();
    expect(readdirSync(dir).filter((f) => f.includes('tfevents'))).toHaveLength(2);
    expect(existsSync(dir)).toBe(true);
    const h = makeHistogram([0, 0.5, 1, 1, 2], 4);
    expect(h).toEqual({
      min: 0,
      max: 2,
      num: 5,
      sum: 4.5,
      sumSquares: 6.25,
      bucketLimit: [0, 0.5, 1, 1.5, 2],
      bucket: [0, 1, 1, 2, 1],
    });
  });
});
