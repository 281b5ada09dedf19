import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent, loadRuns, type RunData, SummaryWriter } from '../src/index';
import { decodePng, eventFile, FIXTURES, recordsOf, tempDir } from './helpers';

// test/fixtures/torch was written by torch.utils.tensorboard (tools/torch_fixture.py);
// the calls below mirror that script one for one.
const TORCH = join(FIXTURES, 'torch');
const WALL = 1700000000;

async function writeMirror(dir: string): Promise<void> {
  const w = new SummaryWriter(dir);
  for (let step = 0; step < 5; step++) w.addScalar('loss', 1 / (step + 1), step, WALL + step);
  w.addScalar('lr', 0.25, 3, WALL, { newStyle: true });
  w.addScalars('pair', { a: 1.5, b: -2.0 }, 1, WALL);
  w.addHistogram('hist', [0, 0.5, 1, 1, 2, -3, 4.5], 2, { walltime: WALL });
  w.addHistogram('hist_bins', [0, 0.5, 1, 1, 2], 2, { bins: 4, walltime: WALL });
  const img = Float32Array.from({ length: 24 }, (_, i) => i / 24);
  const chw = [
    ...img.subarray(0, 12),
    ...img.subarray(0, 12).map((v) => v * 0.5),
    ...img.subarray(12),
  ];
  w.addImage('gray_rgb', { shape: [3, 3, 4], dataSync: () => chw }, 1, { walltime: WALL });
  const u8 = Uint8Array.from({ length: 18 }, (_, i) => i * 10);
  w.addImage('hwc_u8', { shape: [3, 2, 3], dataSync: () => u8 }, 1, {
    walltime: WALL,
    dataformats: 'HWC',
  });
  w.addText('note', '# Title\n\nSome **bold** text', 4, WALL);
  const labels = [0, 1, 1, 0, 1, 0, 1, 1];
  const preds = [0.125, 0.875, 0.5, 0.25, 0.75, 0.625, 0.375, 1.0];
  w.addPrCurve('pr', labels, preds, 5, { numThresholds: 11, walltime: WALL });
  w.addCustomScalars({
    Losses: { both: ['Multiline', ['loss', 'pair']], band: ['Margin', ['loss', 'lo', 'hi']] },
  });
  w.addHparams({ lr: 0.25, optimizer: 'adam' }, { 'hp/accuracy': 0.75 }, { runName: 'hp' });
  await w.close();
}

function expectSameRecords(ours: Uint8Array[], theirs: Uint8Array[]): void {
  expect(ours.length).toBe(theirs.length);
  // Record 0 is the file_version event, stamped with each writer's own clock.
  for (let i = 1; i < ours.length; i++) {
    const [a, b] = [decodeEvent(ours[i]), decodeEvent(theirs[i])];
    const [va, vb] = [a.summary?.value[0], b.summary?.value[0]];
    if (va?.image && vb?.image) {
      const [pa, pb] = [
        decodePng(va.image.encodedImageString),
        decodePng(vb.image.encodedImageString),
      ];
      expect({ ...va.image, encodedImageString: 0 }).toEqual({
        ...vb.image,
        encodedImageString: 0,
      });
      expect([pa.width, pa.height, pa.channels]).toEqual([pb.width, pb.height, pb.channels]);
      // float32 vs float64 rounding before truncation to uint8 may differ by one step.
      const diff = pa.pixels.map((p, k) => Math.abs(p - pb.pixels[k]));
      expect(Math.max(...diff)).toBeLessThanOrEqual(1);
    } else if (va?.tag === 'custom_scalars__config__') {
      // PyTorch stamps the layout with the current time: compare all but wall_time (first 9 bytes).
      expect(Buffer.from(ours[i].subarray(9)).equals(theirs[i].subarray(9))).toBe(true);
    } else {
      expect(Buffer.from(ours[i]).toString('hex'), `record ${i} (${va?.tag})`).toBe(
        Buffer.from(theirs[i]).toString('hex'),
      );
    }
  }
}

describe('compatibility with torch.utils.tensorboard', () => {
  let torchRuns: Record<string, RunData>;
  let ours: string;

  beforeAll(async () => {
    torchRuns = await loadRuns(TORCH);
    ours = tempDir();
    await writeMirror(ours);
  });

  it('reads the files PyTorch wrote', () => {
    expect(Object.keys(torchRuns)).toEqual(['.', 'hp', 'pair_a', 'pair_b']);
    const main = torchRuns['.'];
    expect(main.scalars.loss.map((p) => p.value)).toEqual([
      1,
      0.5,
      Math.fround(1 / 3),
      0.25,
      Math.fround(0.2),
    ]);
    expect(main.scalars.lr).toEqual([{ step: 3, wallTime: WALL, value: 0.25 }]);
    expect(main.histograms.hist_bins[0]).toMatchObject({
      min: 0,
      max: 2,
      num: 5,
      sum: 4.5,
      bucket: [0, 1, 1, 2, 1],
    });
    expect(main.images.gray_rgb[0]).toMatchObject({ width: 4, height: 3 });
    expect(main.text['note/text_summary'][0].text).toBe('# Title\n\nSome **bold** text');
    expect(main.tensors.pr[0]).toMatchObject({ plugin: 'pr_curves', shape: [6, 11] });
    expect(main.customScalars?.category[0].chart[1].margin?.series[0]).toEqual({
      value: 'loss',
      lower: 'lo',
      upper: 'hi',
    });
    expect(torchRuns.hp.hparams).toEqual({ values: { lr: 0.25, optimizer: 'adam' }, status: 1 });
    expect(torchRuns.pair_b.scalars.pair[0].value).toBe(-2);
  });

  it('writes the same records PyTorch writes for the same calls', () => {
    for (const run of ['.', 'pair_a', 'pair_b']) {
      expectSameRecords(
        recordsOf(eventFile(join(ours, run))),
        recordsOf(eventFile(join(TORCH, run))),
      );
    }
  });

  it('writes hparams sessions that read back like PyTorch’s', async () => {
    const mine = (await loadRuns(ours)).hp;
    expect(readdirSync(join(ours, 'hp')).length).toBe(1);
    expect(mine.hparams).toEqual(torchRuns.hp.hparams);
    expect(mine.experiment).toEqual(torchRuns.hp.experiment);
    expect(mine.scalars['hp/accuracy'].map((p) => p.value)).toEqual([0.75]);
  });
});
