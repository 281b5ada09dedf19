import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
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

/** A gray 8-bit PNG of `filtered` pixel data (filter bytes included), chunk CRCs and all. */
function pngFile(width: number, height: number, interlace: number, filtered: Uint8Array) {
  const chunk = (type: string, data: Uint8Array) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, interlace], 8);
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(filtered)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

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

  it('refuses pixel data shorter than the header declares, interlaced or not, as Pillow', () => {
    // A 5x3 gray image, its rows filtered with filter 0, Adam7-interlaced or plain.
    const pixel = (x: number, y: number) => 10 * y + x;
    const passes = [
      [0, 0, 8, 8],
      [4, 0, 8, 8],
      [0, 4, 4, 8],
      [2, 0, 4, 4],
      [0, 2, 2, 4],
      [1, 0, 2, 2],
      [0, 1, 1, 2],
    ];
    const rows = (x0: number, y0: number, dx: number, dy: number) => {
      const out: number[] = [];
      for (let y = y0; y < 3; y += dy) {
        const row = [];
        for (let x = x0; x < 5; x += dx) row.push(pixel(x, y));
        if (row.length) out.push(0, ...row);
      }
      return out;
    };
    const plain = rows(0, 0, 1, 1);
    const interlaced = passes.flatMap(([x0, y0, dx, dy]) => rows(x0, y0, dx, dy));
    const want = Array.from({ length: 15 }, (_, i) => pixel(i % 5, Math.floor(i / 5)));
    for (const [data, interlace] of [
      [plain, 0],
      [interlaced, 1],
    ] as const) {
      const png = (raw: number[]) => pngFile(5, 3, interlace, Uint8Array.from(raw));
      expect(Array.from(decodeImage(png(data)).dataSync())).toEqual(want);
      for (const cut of [1, 6]) {
        expect(() => decodeImage(png(data.slice(0, -cut)))).toThrow(ImageDecodeError);
        expect(() => decodeImage(png(data.slice(0, -cut)))).toThrow(
          `image file is truncated: 5x3 needs ${data.length} bytes of pixel data, it holds ${data.length - cut}`,
        );
      }
    }
  });

  it('refuses tensors that are not uint8 [C, H, W]', () => {
    expect(() => encodePng(tensor([[[0.5]]]))).toThrow(/uint8 \[C, H, W\]/);
    expect(() => encodeJpeg(tensor([[[1]], [[2]]], { dtype: 'uint8' }))).toThrow(
      /no alpha channel/,
    );
  });
});
