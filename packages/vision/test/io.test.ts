import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arange, tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import {
  decodeImage,
  encodeJpeg,
  encodePng,
  ImageDecodeError,
  type ImageReadMode,
  loadImage,
  MAX_IMAGE_PIXELS,
  readImage,
  toImage,
  writeJpeg,
  writePng,
} from '../src';
import { type EncodedTensor, expectTensor, loadFixture } from './helpers';

interface IoCase {
  id: string;
  bytes: string;
  mode: ImageReadMode;
  out: EncodedTensor;
}

const cases = loadFixture('io').cases as unknown as IoCase[];

describe('decodeImage (files written by PIL, decoded by torchvision.io)', () => {
  for (const c of cases) {
    it(c.id, () => {
      const out = decodeImage(Buffer.from(c.bytes, 'base64'), { mode: c.mode });
      // jpeg-js's IDCT and upsampling are not libjpeg's: allow small differences for JPEG.
      expectTensor(out, c.out, c.id.startsWith('jpeg') ? { rtol: 0, atol: 4 } : undefined);
    });
  }
});

describe('PNG and JPEG round trips', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vision-io-'));

  for (const c of [1, 2, 3, 4]) {
    it(`PNG keeps a ${c}-channel image exactly`, () => {
      const img = arange(c * 5 * 7)
        .mul(7)
        .remainder(256)
        .to('uint8')
        .reshape([c, 5, 7]);
      const path = join(dir, `img${c}.png`);
      writePng(img, path);
      const back = readImage(path);
      expect(back.shape).toEqual([c, 5, 7]);
      expect(Array.from(back.dataSync())).toEqual(Array.from(img.dataSync()));
    });
  }

  it('JPEG round trip is close at quality 95', () => {
    const img = arange(3 * 16 * 16)
      .remainder(200)
      .to('uint8')
      .reshape([3, 16, 16]);
    const path = join(dir, 'img.jpg');
    writeJpeg(img, path, { quality: 95 });
    const back = readImage(path);
    expect(back.shape).toEqual([3, 16, 16]);
    const diff = back.to('float32').sub(img.to('float32')).abs().mean().item();
    expect(diff).toBeLessThan(6);
  });

  it('reads modes: gray from RGB uses PIL luma, alpha is added opaque', () => {
    const rgb = tensor([[[255, 0]], [[0, 255]], [[0, 0]]], { dtype: 'uint8' });
    const png = encodePng(rgb);
    expect(Array.from(decodeImage(png, { mode: 'gray' }).dataSync())).toEqual([76, 150]);
    expect(Array.from(decodeImage(png, { mode: 'rgbAlpha' }).select(0, 3).dataSync())).toEqual([
      255, 255,
    ]);
    expect(loadImage(png).channels).toBe(3);
  });

  it('encodes an Image as well as a tensor', () => {
    const img = toImage(tensor([[[1, 2]], [[3, 4]], [[5, 6]]], { dtype: 'uint8' }));
    expect(Array.from(decodeImage(encodePng(img)).dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(decodeImage(encodeJpeg(img)).shape).toEqual([3, 1, 2]);
  });

  it('rejects unknown and corrupt files with the file named', () => {
    const bad = join(dir, 'bad.png');
    writeFileSync(bad, Buffer.from('not an image'));
    expect(() => readImage(bad)).toThrow(ImageDecodeError);
    expect(() => readImage(bad)).toThrow(/bad\.png.*neither a PNG nor a JPEG/);
    const truncated = join(dir, 'truncated.png');
    writeFileSync(truncated, encodePng(tensor([[[1, 2, 3]]], { dtype: 'uint8' })).subarray(0, 30));
    expect(() => readImage(truncated)).toThrow(/cannot decode 'truncated\.png'|truncated\.png/);
  });

  it('refuses an image declaring more pixels than Pillow allows, before decoding it', () => {
    // A PNG and a JPEG whose headers are rewritten to declare 30000x30000 (900M pixels): the
    // PNG had decoded to gigabytes of zeros.
    const png = encodePng(tensor([[[1, 2, 3, 4]]], { dtype: 'uint8' }));
    new DataView(png.buffer, png.byteOffset).setUint32(16, 30000);
    new DataView(png.buffer, png.byteOffset).setUint32(20, 30000);
    expect(() => decodeImage(png)).toThrow(ImageDecodeError);
    expect(() => decodeImage(png)).toThrow(
      /declares 30000x30000 = 900000000 pixels, more than the limit of 178956970/,
    );
    const jpeg = encodeJpeg(tensor([[[9]], [[9]], [[9]]], { dtype: 'uint8' }));
    const sof = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xc0);
    new DataView(jpeg.buffer, jpeg.byteOffset).setUint16(sof + 5, 30000);
    new DataView(jpeg.buffer, jpeg.byteOffset).setUint16(sof + 7, 30000);
    expect(() => decodeImage(jpeg)).toThrow(/declares 30000x30000/);
    // The limit is an option, and MAX_IMAGE_PIXELS is Pillow's.
    expect(MAX_IMAGE_PIXELS).toBe(178_956_970);
    const small = encodePng(arange(12, { dtype: 'uint8' }).reshape([3, 2, 2]));
    expect(() => decodeImage(small, { maxPixels: 3 })).toThrow(/declares 2x2 = 4 pixels/);
    expect(decodeImage(small, { maxPixels: 4 }).shape).toEqual([3, 2, 2]);
  });

  it('refuses tensors that are not uint8 [C, H, W]', () => {
    expect(() => encodePng(tensor([[[0.5]]]))).toThrow(/uint8 \[C, H, W\]/);
    expect(() => encodeJpeg(tensor([[[1]], [[2]]], { dtype: 'uint8' }))).toThrow(
      /no alpha channel/,
    );
  });
});
