import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zeros } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { drawBoundingBoxes, drawSegmentationMasks, makeGrid, readImage, saveImage } from '../src';
import { decodeArgs, expectOut, loadFixture } from './helpers';

const fixture = loadFixture('utils');
const ops: Record<string, (...a: never[]) => unknown> = {
  makeGrid,
  drawBoundingBoxes,
  drawSegmentationMasks,
};

describe('utils (torchvision golden)', () => {
  for (const c of fixture.cases) {
    it(`${c.op}/${c.id}`, () => {
      const args = decodeArgs(c.args) as never[];
      const out = c.opts === undefined ? ops[c.op](...args) : ops[c.op](...args, c.opts as never);
      expectOut(out, c.out, c.tol);
    });
  }

  it('makeGrid has torchvision geometry: 3 images 32x32 with padding 2 give [3, 36, 104]', () => {
    const shapes = fixture.gridShapes as Record<string, number[]>;
    expect(shapes['3x32x32-pad2']).toEqual([3, 36, 104]);
    expect(makeGrid(zeros([3, 3, 32, 32]), { padding: 2 }).shape).toEqual([3, 36, 104]);
  });
});

describe('saveImage', () => {
  it('writes the grid as a PNG that reads back as x * 255 + 0.5 truncated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vision-save-'));
    const path = join(dir, 'grid.png');
    const x = zeros([2, 3, 4, 5]).add(0.5);
    saveImage(x, path, { padding: 1, padValue: 1 });
    expect(existsSync(path)).toBe(true);
    const back = readImage(path);
    expect(back.shape).toEqual([3, 6, 13]);
    const data = Array.from(back.dataSync());
    expect(data[0]).toBe(255); // padding
    expect(data[1 * 13 + 1]).toBe(128); // 0.5 * 255 + 0.5 = 128
    expect(readFileSync(path).subarray(1, 4).toString()).toBe('PNG');
  });

  it('writes JPEG when the path ends in .jpg', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vision-save-'));
    const path = join(dir, 'grid.jpg');
    saveImage(zeros([3, 8, 8]), path);
    expect([...readFileSync(path).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  });
});
